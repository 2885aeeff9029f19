// The goal screens, in one chunk the browser fetches only when someone opens one.
export { default as Goal } from './Goal.svelte';
export { default as GoalForm } from './GoalForm.svelte';

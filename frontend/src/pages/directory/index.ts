// The directory screens, in one chunk the browser fetches only when someone opens one.
export { default as Directory } from './Directory.svelte';
export { default as Entry } from './Entry.svelte';
export { default as SuggestEntry } from './SuggestEntry.svelte';
export { default as Saved } from './Saved.svelte';
export { default as Review } from './Review.svelte';

// The event screens, in one chunk the browser fetches only when someone opens one.
export { default as Event } from './Event.svelte';
export { default as CommunityEvents } from './CommunityEvents.svelte';
export { default as NewEvent, default as EditEvent } from './EventForm.svelte';

// The moderators' screens, in one chunk the browser fetches only when a moderator opens one.
export { default as Queue } from './Queue.svelte';
export { default as Item } from './Item.svelte';
export { default as Log } from './Log.svelte';
export { default as Filters } from './Filters.svelte';
export { default as Appeals } from './Appeals.svelte';
export { default as JoinRequests } from './JoinRequests.svelte';

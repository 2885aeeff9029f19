// The admin console's screens, in one chunk the browser fetches only when an admin opens one.
export { default as Settings } from './Settings.svelte';
export { default as AdminLog } from './AdminLog.svelte';
export { default as Communities } from './Communities.svelte';
export { default as Members } from './Members.svelte';
export { default as Joining } from './Joining.svelte';

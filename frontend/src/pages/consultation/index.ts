// The consultation screens, in one chunk the browser fetches only when someone opens one.
export { default as Consultation } from './Consultation.svelte';
export { default as NewConsultation } from './NewConsultation.svelte';

// Starts the client: theme and base styles, the router, who is signed in, then the page frame.
import { mount } from 'svelte';
import './theme.css';
import './app.css';
import App from './App.svelte';
import { startRouter } from './lib/router.svelte';
import { startSession } from './lib/session.svelte';

startRouter();
void startSession();
mount(App, { target: document.getElementById('app') as HTMLElement });

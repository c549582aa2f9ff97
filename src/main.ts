/**
 * The page's entry and composition root: starts the workers, builds the app state around them
 * and mounts the UI.
 */
import { mount } from 'svelte';
import './ui/theme.css';
import App from './ui/App.svelte';
import { AppState } from './state/app-state.svelte';
import { createWorkerClients } from './state/worker-clients';
import { IndexedDbTargetStore } from './state/targets-idb';
import { downloadBytes } from './ui/download';

const clients = createWorkerClients();
const app = new AppState({
  device: clients.device,
  lua: clients.lua,
  download: downloadBytes,
  targets: { client: clients.device, store: new IndexedDbTargetStore() },
});
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');
mount(App, { target, props: { app } });
void app.start();

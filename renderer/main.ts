/**
 * Renderer entry (bundled to dist/renderer/app.js, styles to app.css): connects the API for
 * where the page runs (Electron MessagePort or the `twin serve` WebSocket), builds the shell and
 * activates the features listed in features/index.ts.
 */
import './shell/workbench.css';
import { connectApi, isElectron } from './api/connectApi.js';
import { Workbench } from './shell/Workbench.js';
import { FEATURES } from './features/index.js';

const root = document.getElementById('app');
if (!root) throw new Error('index.html: missing <div id="app">');
const api = connectApi(window);
const workbench = new Workbench({ root, api, electron: isElectron(window) });
workbench.activate(FEATURES);
api.connect();
window.addEventListener('pagehide', () => workbench.dispose(), { once: true });

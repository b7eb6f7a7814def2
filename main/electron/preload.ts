/**
 * Sandboxed preload: the page's only door to the main process.
 *
 * It exposes a tiny object (`window.twinElectron`) and forwards the one MessagePort that main
 * sends; all API traffic (common/api.ts) then flows over that port, validated on the main side.
 * Nothing else of Node or Electron is reachable from the page.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('twinElectron', {
  isElectron: true,
  platform: process.platform,
});

ipcRenderer.on('twin:port', (event) => {
  // Hand the port to the page's main world; the renderer's MessagePort transport listens for 'twin-port'.
  window.postMessage('twin-port', window.location.origin, [...event.ports]);
});

window.addEventListener('DOMContentLoaded', () => ipcRenderer.send('twin:ready'));

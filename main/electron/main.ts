/**
 * Electron main process: a thin adapter over the Electron-free services in main/services.
 *
 * One secure window (context isolation, sandbox, no Node in the page, strict CSP, navigation,
 * new windows and permission requests denied) showing the same renderer as `twin serve`, served
 * from the privileged `twin://app/` scheme so module workers and WASM work as in a browser.
 * The page talks to the services over one MessagePort carrying the common/api.ts protocol.
 */
import { app, BrowserWindow, dialog, ipcMain, MessageChannelMain, net, protocol, session, shell, Menu, type WebContents } from 'electron';
import { existsSync, createReadStream } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { Workbench } from '../services/Workbench.js';
import { packageRoot } from '../services/AppPaths.js';
import { startTelemetry } from '../services/startTelemetry.js';
import type { ApiConnection } from '../host/ApiServer.js';
import { CROSS_ORIGIN_ISOLATION } from '../host/crossOriginIsolation.js';
import { buildMenu } from './menu.js';
import { loadWindowState, saveWindowState } from './windowState.js';

const ORIGIN = 'twin://app';
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; " +
  "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'";

protocol.registerSchemesAsPrivileged([{ scheme: 'twin', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

/** .ifc / .mcap given on the command line or by the OS file association. */
function fileArg(argv: readonly string[]): { model?: string; recording?: string } {
  const out: { model?: string; recording?: string } = {};
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const lower = a.toLowerCase();
    if (lower.endsWith('.ifc') && existsSync(a)) out.model = resolve(a);
    if (lower.endsWith('.mcap') && existsSync(a)) out.recording = resolve(a);
  }
  return out;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let workbench: Workbench | null = null;
  const pending = fileArg(process.argv);

  const sendCommand = (id: string, arg?: string) => workbench?.api.broadcast('command', arg === undefined ? { id } : { id, arg });

  const openModel = async (path: string) => {
    if (!workbench) return;
    try {
      await workbench.openModelPath(path);
      refreshMenu();
    } catch (e) {
      dialog.showErrorBox('Cannot open model', (e as Error).message);
    }
  };
  const openRecording = (path: string) => {
    workbench?.settings.addRecent('recentRecordings', path);
    sendCommand('source.connect', `file:${path}`);
    refreshMenu();
  };

  function refreshMenu() {
    if (!workbench) return;
    const s = workbench.settings.get();
    Menu.setApplicationMenu(
      buildMenu({
        recentModels: s.recentModels,
        recentRecordings: s.recentRecordings,
        openModel: async () => {
          const r = await dialog.showOpenDialog(win!, { title: 'Open IFC model', properties: ['openFile'], filters: [{ name: 'IFC models', extensions: ['ifc'] }] });
          if (!r.canceled && r.filePaths[0]) await openModel(r.filePaths[0]);
        },
        openRecording: async () => {
          const r = await dialog.showOpenDialog(win!, { title: 'Open recording', properties: ['openFile'], filters: [{ name: 'MCAP recordings', extensions: ['mcap'] }] });
          if (!r.canceled && r.filePaths[0]) openRecording(r.filePaths[0]);
        },
        openRecent: (p) => (p.toLowerCase().endsWith('.mcap') ? openRecording(p) : void openModel(p)),
        command: sendCommand,
        about: () =>
          void dialog.showMessageBox(win!, {
            type: 'info',
            title: 'About Twin Workbench',
            message: `Twin Workbench ${app.getVersion()}`,
            detail: `Digital twin, live telemetry, recording/replay and evacuation simulation.\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
          }),
        openLogs: () => void shell.openPath(join(workbench!.paths.userData, 'logs')),
      }),
    );
  }

  /** Serves dist/renderer and the current model's bytes on twin://app/. */
  function registerProtocol(staticDir: string) {
    const root = normalize(staticDir + sep);
    protocol.handle('twin', async (request) => {
      const url = new URL(request.url);
      if (url.host !== 'app') return new Response('not found', { status: 404 });
      if (url.pathname === '/api/model') {
        const path = workbench?.models.currentPath();
        if (!path || !existsSync(path)) return new Response('no model loaded', { status: 404 });
        return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { 'content-type': 'application/octet-stream' } });
      }
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = normalize(join(root, rel));
      if (!file.startsWith(root) || !existsSync(file)) return new Response('not found', { status: 404 });
      const res = await net.fetch(pathToFileURL(file).href);
      const headers = new Headers(res.headers);
      headers.set('content-security-policy', CSP);
      for (const [k, v] of Object.entries(CROSS_ORIGIN_ISOLATION)) headers.set(k, v);
      if (extname(file) === '.wasm') headers.set('content-type', 'application/wasm');
      return new Response(res.body, { status: res.status, headers });
    });
  }

  /** Gives the page a fresh MessagePort to the API each time it (re)loads. */
  function connectPage(contents: WebContents) {
    const { port1, port2 } = new MessageChannelMain();
    const conn: ApiConnection = {
      id: `ipc-${contents.id}`,
      send: (data) => port1.postMessage(data),
      bufferedBytes: () => 0,
      close: () => port1.close(),
    };
    const s = workbench!.api.attach(conn);
    port1.on('message', (e) => {
      if (typeof e.data === 'string') s.onMessage(e.data);
    });
    port1.on('close', () => s.onClose());
    port1.start();
    contents.postMessage('twin:port', null, [port2]);
  }

  function hardenSessions() {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    app.on('web-contents-created', (_e, contents) => {
      contents.setWindowOpenHandler(({ url }) => {
        if (url.startsWith('https://')) void shell.openExternal(url);
        return { action: 'deny' };
      });
      contents.on('will-navigate', (event, url) => {
        if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
      });
      contents.on('will-attach-webview', (event) => event.preventDefault());
    });
  }

  async function createWindow() {
    const stateFile = join(app.getPath('userData'), 'window-state.json');
    const state = loadWindowState(stateFile);
    win = new BrowserWindow({
      ...state,
      minWidth: 960,
      minHeight: 600,
      title: 'Twin Workbench',
      backgroundColor: '#0f1419',
      show: false,
      webPreferences: {
        preload: join(__dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    if (state.maximized) win.maximize();
    win.once('ready-to-show', () => win?.show());
    const save = () => {
      if (!win || win.isDestroyed()) return;
      saveWindowState(stateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    };
    win.on('close', save);
    win.on('closed', () => (win = null));
    await win.loadURL(`${ORIGIN}/index.html`);
  }

  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const f = fileArg(argv);
    if (f.model) void openModel(f.model);
    if (f.recording) openRecording(f.recording);
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (!workbench) {
      if (path.toLowerCase().endsWith('.mcap')) pending.recording = path;
      else pending.model = path;
    } else if (path.toLowerCase().endsWith('.mcap')) openRecording(path);
    else void openModel(path);
  });

  app.whenReady().then(async () => {
    hardenSessions();
    workbench = new Workbench({ mode: 'electron', userData: app.getPath('userData'), echo: (l) => process.stderr.write(l) });
    try {
      await workbench.start();
    } catch (e) {
      dialog.showErrorBox('Cannot open the building model', (e as Error).message);
    }
    if (pending.model) await openModel(pending.model);
    const telemetry = await startTelemetry(workbench, {
      source: pending.recording ? `file:${pending.recording}` : 'testbed:',
      recordDir: pending.recording ? null : (workbench.settings.get().recordDir ?? workbench.paths.recordings),
    });
    if (telemetry) workbench.addService(telemetry);
    registerProtocol(join(packageRoot(), 'dist', 'renderer'));
    ipcMain.on('twin:ready', (event) => {
      // Only our own page may ask for the API port (validate the sender, Electron security checklist).
      if (!event.senderFrame || !event.senderFrame.url.startsWith(`${ORIGIN}/`)) return;
      connectPage(event.sender);
    });
    refreshMenu();
    await createWindow();
  });

  app.on('window-all-closed', () => {
    app.quit();
  });
  app.on('will-quit', () => {
    void workbench?.dispose();
  });
}

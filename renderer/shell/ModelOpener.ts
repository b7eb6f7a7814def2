/**
 * Opening an IFC from the page: Ctrl+O (file picker) or a file dropped anywhere on the window.
 * Web mode uploads the bytes with `PUT /api/model?name=…&token=…`; main answers with the model
 * info and broadcasts the new session, which the model feature loads (a file that failed to load
 * before has the same hash, so the session alone would not try it again: `onAccepted` asks the
 * feature to, through the `model.retry` command). In Electron the native
 * File › Open Model… dialog does this (the sandboxed page cannot see file paths), and main sends the
 * same `model.retry` command after it (Workbench.openModelPath).
 */
import type { ToastHandle } from './Toasts.js';
import { formatBytes } from './formatBytes.js';
import { h } from './h.js';
import { icon } from './icon.js';

/** Largest file the page will send; main enforces its own limit too. */
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export class ModelOpener {
  private readonly input = h('input', { type: 'file', accept: '.ifc', hidden: true, 'data-testid': 'model-file-input' });
  readonly dropOverlay = h('div.drop-overlay', { hidden: true }, h('div.drop-card', {}, icon('upload', 36), h('strong', {}, 'Drop an IFC file to open it'), h('span.muted', {}, '.ifc, IFC2x3 or IFC4')));
  private dragDepth = 0;
  /** The error of the last file the host refused, dismissed once a file is accepted. */
  private errorToast: ToastHandle | null = null;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly win: Window,
    private readonly electron: boolean,
    private readonly notify: (level: 'info' | 'warn' | 'error', message: string) => ToastHandle,
    /** The host accepted the file: its content hash (the model feature retries a file that failed before). */
    private readonly onAccepted: (hash: string) => void = () => {},
  ) {
    win.document.body.append(this.input, this.dropOverlay);
    this.input.addEventListener('change', () => {
      const f = this.input.files?.[0];
      this.input.value = '';
      if (f) void this.upload(f);
    });
    const on = <K extends keyof WindowEventMap>(type: K, fn: (e: WindowEventMap[K]) => void) => {
      win.addEventListener(type, fn);
      this.disposers.push(() => win.removeEventListener(type, fn));
    };
    on('dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.dragDepth++;
      this.dropOverlay.hidden = false;
    });
    on('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    on('dragleave', () => {
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (this.dragDepth === 0) this.dropOverlay.hidden = true;
    });
    on('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.dragDepth = 0;
      this.dropOverlay.hidden = true;
      const f = e.dataTransfer?.files[0];
      if (f) void this.upload(f);
    });
  }

  /** Ctrl+O. */
  pick(): void {
    if (this.electron) {
      this.notify('info', 'Use File › Open Model… (Ctrl+O in the app menu) to open an IFC file');
      return;
    }
    this.input.click();
  }

  async upload(file: File): Promise<void> {
    if (!/\.ifc$/i.test(file.name)) return this.fail(`${file.name}: not an IFC file (expected a .ifc file)`);
    if (file.size === 0) return this.fail(`${file.name}: the file is empty`);
    if (file.size > MAX_UPLOAD_BYTES) return this.fail(`${file.name}: ${formatBytes(file.size)} is larger than the workbench can open`);
    if (this.electron) return void this.notify('info', `To open ${file.name}, use File › Open Model… in the app menu`);
    const token = new URLSearchParams(this.win.location.search).get('token') ?? '';
    this.notify('info', `Opening ${file.name} (${formatBytes(file.size)})…`);
    try {
      const res = await fetch(`api/model?name=${encodeURIComponent(file.name)}&token=${encodeURIComponent(token)}`, { method: 'PUT', body: file });
      if (!res.ok) {
        let reason = `${res.status} ${res.statusText}`;
        try {
          const body = (await res.json()) as { error?: unknown };
          if (typeof body.error === 'string') reason = body.error;
        } catch {
          // not JSON: keep the status line
        }
        throw new Error(reason);
      }
      const info = (await res.json().catch(() => null)) as { hash?: unknown } | null;
      // The file the last error named is no longer the question: its toast goes.
      this.errorToast?.dismiss();
      this.errorToast = null;
      if (typeof info?.hash === 'string') this.onAccepted(info.hash);
    } catch (e) {
      // The host's reasons already start with the file name ("x.ifc: not an IFC file …"): name it once.
      const reason = (e as Error).message;
      this.fail(`Could not open ${reason.startsWith(`${file.name}:`) ? reason : `${file.name}: ${reason}`} — the current model stays open`);
    }
  }

  /**
   * The opener's error, refused here or by the host: one at a time, gone once a file is accepted. The same error
   * again (the same file opened twice) counts up on its toast (×2) rather than replacing it with a look-alike.
   */
  private fail(message: string): void {
    const previous = this.errorToast;
    this.errorToast = this.notify('error', message);
    if (previous !== this.errorToast) previous?.dismiss();
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.input.remove();
    this.dropOverlay.remove();
  }
}

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

/**
 * IfcWorkerClient when its worker dies: the pending load rejects with a message saying the worker
 * crashed and will be restarted, the restart listeners (the model feature shows that message and
 * re-opens the model) are told, the dead worker is terminated, and the next load spawns a fresh
 * worker and succeeds. The worker is a fake that speaks Comlink over a MessageChannel, so the
 * client's real Comlink plumbing (transfer, progress proxy, release) runs.
 */
import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { IfcWorkerClient } from '../../../../../renderer/features/model/IfcWorkerClient.js';
import type { LoadPhase } from '../../../../../workers/ifc/geometry/extractGeometry.js';
import type { ProcessedModel } from '../../../../../workers/ifc/geometry/ProcessedModel.js';

/** What the fake worker side does for `open`. */
type OpenImpl = (bytes: Uint8Array, opts: { fileName: string }, onProgress: (phase: LoadPhase, fraction: number) => void) => Promise<unknown>;

/** A stand-in for `new Worker('workers/ifc.js')`: Comlink over a MessageChannel, plus a way to crash. */
class FakeWorker extends EventTarget {
  readonly port: MessagePort;
  private readonly inner: MessagePort;
  terminated = false;

  constructor(open: OpenImpl) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.inner = port2;
    port1.addEventListener('message', (e) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data }));
    });
    port1.start();
    Comlink.expose({ open, properties: async (id: number) => ({ expressID: id }) }, port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.port.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.inner.close();
  }

  /** What a WASM abort or out-of-memory looks like from the page: an 'error' event on the Worker. */
  crash(message: string): void {
    const ev = new Event('error', { cancelable: true }) as Event & { message: string };
    ev.message = message;
    this.dispatchEvent(ev);
  }
}

const model = (fileName: string) => ({ summary: { fileName, elementCount: 3 } }) as unknown as ProcessedModel;

describe('IfcWorkerClient crash recovery', () => {
  it('a worker that dies mid-load rejects the load, tells the restart listeners, and the next load uses a fresh worker', async () => {
    let openStarted!: () => void;
    const started = new Promise<void>((r) => (openStarted = r));
    const workers: FakeWorker[] = [];
    const impls: OpenImpl[] = [
      // First worker: reports progress, then never finishes (it will crash).
      async (_bytes, _opts, onProgress) => {
        await onProgress('parse', 0.25);
        openStarted();
        return new Promise(() => {});
      },
      // Second worker: a normal load.
      async (bytes, opts, onProgress) => {
        await onProgress('geometry', 1);
        return model(`${opts.fileName}:${bytes.length}`);
      },
    ];
    const client = new IfcWorkerClient(new URL('http://localhost/workers/ifc.js'), () => {
      const w = new FakeWorker(impls[workers.length]!);
      workers.push(w);
      return w as unknown as Worker;
    });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const progress: [LoadPhase, number][] = [];

    const first = client.open(new Uint8Array(10), { fileName: 'a.ifc' }, (p, f) => progress.push([p, f]));
    expect(client.status).toBe('ready');
    await started;
    expect(progress).toEqual([['parse', 0.25]]);
    workers[0]!.crash('RuntimeError: memory access out of bounds');

    await expect(first).rejects.toThrow(/IFC worker crashed \(RuntimeError: memory access out of bounds\); it will be restarted/);
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/crashed.*will be restarted/);
    expect(workers[0]!.terminated).toBe(true);
    expect(client.status).toBe('idle');

    const second = await client.open(new Uint8Array(7), { fileName: 'b.ifc' }, (p, f) => progress.push([p, f]));
    expect(workers).toHaveLength(2);
    expect(workers[1]!.terminated).toBe(false);
    expect(second.summary.fileName).toBe('b.ifc:7');
    expect(progress.at(-1)).toEqual(['geometry', 1]);
    expect(client.status).toBe('ready');
    // A crash is not a cancel: only crashes reach the restart listeners.
    expect(restarts).toHaveLength(1);

    client.dispose();
    expect(workers[1]!.terminated).toBe(true);
    expect(client.status).toBe('disposed');
  });

  it('cancelling terminates the worker without a restart notice', async () => {
    const workers: FakeWorker[] = [];
    let openStarted!: () => void;
    const started = new Promise<void>((r) => (openStarted = r));
    const client = new IfcWorkerClient(new URL('http://localhost/workers/ifc.js'), () => {
      const w = new FakeWorker(async () => {
        openStarted();
        return new Promise(() => {});
      });
      workers.push(w);
      return w as unknown as Worker;
    });
    const restarts: string[] = [];
    client.onRestart((reason) => restarts.push(reason));
    const p = client.open(new Uint8Array(4), { fileName: 'big.ifc' }, () => {});
    await started;
    client.cancel('big.ifc');
    await expect(p).rejects.toMatchObject({ name: 'IfcCancelledError', message: expect.stringContaining('big.ifc: loading cancelled') });
    expect(workers[0]!.terminated).toBe(true);
    expect(restarts).toEqual([]);
    client.dispose();
  });
});

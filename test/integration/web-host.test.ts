/**
 * `twin serve` as a browser and other local pages meet it: static renderer with a strict CSP,
 * the API over a WebSocket behind the per-launch token, model bytes, uploads, bad requests.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import WebSocket from 'ws';
import { startServe, sharedDir } from '../helpers/twinCli';

const model = join(sharedDir, 'ifc', 'ifcopenhouse-ifc4.ifc');
let serve: Awaited<ReturnType<typeof startServe>>;
let base: string;
let token: string;
let userData: string;

/** Opens the API socket and performs one request (`raw`: sent as it is). */
function rpc(method: string, params: unknown, opts: { token?: string; origin?: string; raw?: unknown } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws?token=${opts.token ?? token}`, opts.origin ? { origin: opts.origin } : {});
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify(opts.raw ?? { type: 'req', id: 1, method, params })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // telemetry frames of the running source
      const msg = JSON.parse(data.toString());
      if (msg.type === 'res' && msg.id === 1) {
        ws.close();
        resolve(msg);
      }
    });
  });
}

beforeAll(async () => {
  userData = mkdtempSync(join(tmpdir(), 'twin-ud-'));
  serve = await startServe(['--model', model, '--no-record', '--source', 'testbed:'], { TWIN_USER_DATA: userData });
  const u = new URL(serve.url);
  base = `${u.protocol}//${u.host}`;
  token = u.searchParams.get('token')!;
});
afterAll(async () => serve?.stop());

describe('twin serve (web host)', () => {
  it('prints a loopback URL with a long per-launch token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{30,}$/);
  });

  it('serves the renderer with a strict content security policy', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('Twin Workbench');
    const wasm = await fetch(`${base}/wasm/web-ifc.wasm`, { method: 'HEAD' });
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });

  it('makes the page and its workers cross-origin isolated (COOP + COEP), so a big simulation run can take a second thread', async () => {
    for (const path of ['/', '/app.js', '/workers/sim.js', '/workers/slots.js']) {
      const res = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
      expect((await fetch(`${base}${p}`)).status).toBe(404);
    }
  });

  it('answers a malformed path with 400, not 500, and a wrong method on the model with 405', async () => {
    for (const p of ['/%', '/%zz', '/%c0%ae%c0%ae/etc/passwd']) expect((await fetch(`${base}${p}`)).status, p).toBe(400);
    expect((await fetch(`${base}/api/model?token=${token}`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('answers a request without params, and one it cannot read that has an id (the page waited for good)', async () => {
    expect(((await rpc('session.info', undefined)) as { ok: boolean }).ok).toBe(true);
    const bad = (await rpc('', undefined, { raw: { type: 'req', id: 1, method: 7 } })) as { ok: boolean; error: string };
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/^malformed request: method: /);
  });

  it('refuses API calls without the token', async () => {
    expect((await fetch(`${base}/api/model`)).status).toBe(403);
    expect((await fetch(`${base}/api/model?token=wrong`)).status).toBe(403);
    await expect(rpc('session.info', {}, { token: 'wrong' })).rejects.toThrow(/403/);
  });

  it('tells a page whether its token is this launch\'s (asked when its WebSocket is refused)', async () => {
    expect((await fetch(`${base}/api/token?token=${token}`)).status).toBe(200);
    expect((await fetch(`${base}/api/token?token=from-the-last-launch`)).status).toBe(403);
  });

  it('refuses WebSocket connections from another origin even with the token', async () => {
    await expect(rpc('session.info', {}, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers session.info over the WebSocket and serves the model bytes', async () => {
    const res = (await rpc('session.info', {})) as { ok: boolean; result: { mode: string; model: { name: string; bytes: number } } };
    expect(res.ok).toBe(true);
    expect(res.result.mode).toBe('web');
    expect(res.result.model).toMatchObject({ name: 'ifcopenhouse-ifc4.ifc', bytes: 113264 });
    const bytes = Buffer.from(await (await fetch(`${base}/api/model?token=${token}`)).arrayBuffer());
    expect(bytes.equals(readFileSync(model))).toBe(true);
  });

  it('validates request params and names the bad field', async () => {
    const res = (await rpc('settings.set', { theme: 'purple' })) as { ok: boolean; error: string };
    expect(res.ok).toBe(false);
    expect(res.error).toContain('theme');
  });

  it('extracts the model structure off the main thread, answers model.structure and caches it by content hash in user data', async () => {
    type Info = { hash: string; status: 'pending' | 'ready' | 'failed'; cached?: boolean; error?: string; structure?: { storeys: { name: string; walkableArea: number }[]; spaces: unknown[] } };
    let info: Info | null = null;
    for (let i = 0; i < 240 && info?.status !== 'ready' && info?.status !== 'failed'; i++) {
      info = ((await rpc('model.structure', {})) as { result: Info | null }).result;
      if (info?.status === 'pending') await new Promise((r) => setTimeout(r, 250));
    }
    expect(info?.status, info?.error).toBe('ready');
    expect(info!.structure!.storeys).toHaveLength(1);
    expect(info!.structure!.storeys[0]!.walkableArea).toBeGreaterThan(20);
    const session = (await rpc('session.info', {})) as { result: { model: { hash: string } } };
    expect(info!.hash).toBe(session.result.model.hash);
    const cached = JSON.parse(readFileSync(join(userData, 'cache', 'structure', `${info!.hash}.json`), 'utf8'));
    expect(cached.hash).toBe(info!.hash);
    expect(cached.structure.storeys).toHaveLength(1);
  });

  it('rejects an uploaded file that is not IFC and keeps the current model', async () => {
    const bad = await fetch(`${base}/api/model?name=notes.ifc&token=${token}`, { method: 'PUT', body: 'hello' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/notes\.ifc: not an IFC file/);
    // Said after the first bytes of a big upload, not after holding all of it.
    const zeros = await fetch(`${base}/api/model?name=zeros.ifc&token=${token}`, { method: 'PUT', body: new Uint8Array(8 * 1024 * 1024) });
    expect(zeros.status).toBe(400);
    expect((await zeros.json()).error).toBe('zeros.ifc: not an IFC file (expected the ISO-10303-21 STEP header)');
    const res = (await rpc('model.current', {})) as { result: { name: string } };
    expect(res.result.name).toBe('ifcopenhouse-ifc4.ifc');
    const good = await fetch(`${base}/api/model?name=duplex.ifc&token=${token}`, { method: 'PUT', body: readFileSync(join(sharedDir, 'ifc', 'duplex-apartment-ifc2x3.ifc')) });
    expect(good.status).toBe(200);
    expect(((await rpc('model.current', {})) as { result: { name: string } }).result.name).toBe('duplex.ifc');
  });
});

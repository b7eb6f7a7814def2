/**
 * Web mode: serves the same renderer bundle as the Electron window and the same API over a
 * WebSocket (`/api/ws`). Bound to 127.0.0.1 by default; every /api request needs the per-launch
 * token from the printed URL, and WebSocket upgrades from another origin are refused, so other
 * local pages cannot drive the workbench.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Workbench } from '../services/Workbench.js';
import { MAX_MODEL_BYTES, ModelFileError } from '../services/ModelService.js';
import type { ApiConnection } from './ApiServer.js';
import { CROSS_ORIGIN_ISOLATION } from './crossOriginIsolation.js';

export interface WebHostOptions {
  port: number;
  host: string;
  /** Folder with index.html, app.js, workers/, wasm/ (dist/renderer). */
  staticDir: string;
  /** Fixed token (tests); default: 24 random bytes. */
  token?: string;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ifc': 'application/octet-stream',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IFC_MAGIC = 'ISO-10303-21';
/** Whether `head` starts as a STEP file does (after a byte-order mark and white space). */
function isStepHead(head: Buffer): boolean {
  return head.subarray(0, 4096).toString('latin1').replace(/^\u00EF\u00BB\u00BF/, '').trimStart().startsWith(IFC_MAGIC);
}

export class WebHost {
  readonly token: string;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private nextConn = 1;

  constructor(private readonly workbench: Workbench, private readonly options: WebHostOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
  }

  /** Starts listening; resolves with the URL a person opens (token included). */
  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => {
        this.workbench.logger.log('error', `http: ${req.method} ${req.url}: ${(e as Error).message}`);
        if (!res.headersSent) this.send(res, 500, 'text/plain', 'internal error');
        else res.destroy();
      });
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/ws' || !this.tokenOk(url.searchParams.get('token')) || !this.sameOrigin(req)) {
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
    });
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const shownHost = this.options.host === '0.0.0.0' || this.options.host === '::' ? '127.0.0.1' : this.options.host;
    return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/?token=${this.token}`;
  }

  async close(): Promise<void> {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private attach(ws: WebSocket): void {
    const conn: ApiConnection = {
      id: `ws-${this.nextConn++}`,
      send: (data) => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      },
      bufferedBytes: () => ws.bufferedAmount,
      close: () => ws.close(),
    };
    const session = this.workbench.api.attach(conn);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // the page sends only JSON requests
      session.onMessage(data.toString());
    });
    ws.on('close', () => session.onClose());
    ws.on('error', (e) => this.workbench.logger.log('warn', `ws ${conn.id}: ${e.message}`));
  }

  private tokenOk(given: string | null | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Browsers always send Origin on WebSocket upgrades; it must name this host. */
  private sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // non-browser clients (tests, CLI) still need the token
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/health') return this.send(res, 200, 'application/json', JSON.stringify({ ok: true }));
    if (url.pathname.startsWith('/api/')) {
      const token = url.searchParams.get('token') ?? (req.headers['x-twin-token'] as string | undefined);
      if (!this.tokenOk(token)) return this.send(res, 403, 'text/plain', 'forbidden: missing or wrong token');
      // The page asks this when its WebSocket is refused: 403 above means a stale token (a restarted host).
      if (url.pathname === '/api/token') return this.send(res, 200, 'application/json', JSON.stringify({ ok: true }));
      if (url.pathname === '/api/model' && (req.method === 'GET' || req.method === 'HEAD')) return this.sendModel(req, res);
      if (url.pathname === '/api/model' && req.method === 'PUT') return this.receiveModel(req, res, url.searchParams.get('name') ?? 'model.ifc');
      if (url.pathname === '/api/model') return this.send(res, 405, 'text/plain', 'method not allowed: GET, HEAD or PUT');
      return this.send(res, 404, 'text/plain', 'not found');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.send(res, 405, 'text/plain', 'method not allowed');
    return this.sendStatic(res, url.pathname);
  }

  private sendModel(req: IncomingMessage, res: ServerResponse): void {
    const path = this.workbench.models.currentPath();
    const info = this.workbench.models.current();
    if (!path || !info || !existsSync(path)) return this.send(res, 404, 'text/plain', 'no model loaded');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(info.bytes),
      'x-model-name': encodeURIComponent(info.name),
      'x-model-hash': info.hash,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(path).pipe(res);
  }

  private async receiveModel(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0, headChecked = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_MODEL_BYTES) return this.send(res, 413, 'application/json', JSON.stringify({ error: `${name}: larger than the app can load` }));
      chunks.push(chunk as Buffer);
      // Not a STEP file: said after its first bytes, not after holding all of it (200 MB of zeros took 350 MB here).
      if (!headChecked && size >= 4096) {
        headChecked = true;
        if (!isStepHead(Buffer.concat(chunks))) return this.send(res, 400, 'application/json', JSON.stringify({ error: `${name}: not an IFC file (expected the ISO-10303-21 STEP header)` }));
      }
    }
    try {
      const info = await this.workbench.models.openUpload(name, Buffer.concat(chunks));
      this.workbench.publishSession();
      this.send(res, 200, 'application/json', JSON.stringify(info));
    } catch (e) {
      if (e instanceof ModelFileError) return this.send(res, 400, 'application/json', JSON.stringify({ error: e.message }));
      throw e;
    }
  }

  private sendStatic(res: ServerResponse, pathname: string): void {
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return this.send(res, 400, 'text/plain', 'bad request: malformed %-escape in the path'); // "/%" was a 500
    }
    const root = normalize(this.options.staticDir + sep);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return this.send(res, 404, 'text/plain', 'not found');
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(statSync(file).size),
      'content-security-policy': CSP,
      ...CROSS_ORIGIN_ISOLATION,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
    res.end(body);
  }
}

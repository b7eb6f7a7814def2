/**
 * The status bar: API connection (coloured dot), data source and its state, entity and people
 * counts, render FPS, the live recording (file + size), and items features add (ordered).
 *
 * One line whatever the window width: when the items do not fit (a 1024 px window with a
 * recording and alerts), the least important ones are hidden (`keep`: fps first, then the model's
 * draw calls, the recording, the counts; never the connection), and the bar's tooltip names them.
 * The source's URI gives way (ellipsis) before its state, which is never cut. While the
 * connection or the source waits to retry, both count down to it ("Reconnecting in 7 s").
 */
import { clockTime, retryCountdownText, retrySecondsLeft } from '../../common/retry.js';
import type { SourceStatus } from '../../common/source.js';
import type { ConnectionState, ConnectionStatus } from '../api/ApiTransport.js';
import { CountdownTicker } from './CountdownTicker.js';
import { sessionStore, type SessionState } from '../stores/sessionStore.js';
import { h } from './h.js';
import { icon, type IconName } from './icon.js';
import { formatBytes } from './formatBytes.js';
import { sourceTone } from './sourceControls.js';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};
const CONNECTION_TONE: Record<ConnectionState, string> = { connecting: 'busy', connected: 'ok', reconnecting: 'busy', disconnected: 'bad' };

/** The connection item's text at `now`: "Reconnecting in 7 s · attempt 3", "Connecting… · attempt 3", "Connected". */
export function connectionLabel(c: ConnectionStatus, now: number): string {
  const r = c.retry;
  if (!r || (c.state !== 'reconnecting' && c.state !== 'connecting')) return CONNECTION_LABEL[c.state];
  const s = c.state === 'reconnecting' ? retrySecondsLeft(r, now) : 0;
  return `${s > 0 ? `Reconnecting in ${s} s` : 'Connecting…'} · attempt ${r.attempt}`;
}

/** The source item's state at `now`: "live", "reconnecting in 7 s · attempt 3", "reconnecting now · attempt 3". */
export function sourceStateLabel(src: SourceStatus, now: number): string {
  const r = src.retry;
  if (src.state !== 'reconnecting' || !r) return src.state;
  const s = retrySecondsLeft(r, now);
  return `reconnecting ${s > 0 ? `in ${s} s` : 'now'} · attempt ${r.attempt}`;
}

function item(name: string, iconName: IconName | null, title: string): { el: HTMLElement; text: HTMLElement } {
  const text = h('span.status-text');
  const el = h('div.status-item', { 'data-status': name, title }, iconName ? icon(iconName, 13) : null, text);
  return { el, text };
}

/** How much a built-in item matters when the bar is too narrow (lower goes first; Infinity never). */
const KEEP = { connection: Infinity, source: 90, entities: 50, people: 50, recording: 40, fps: 10 } as const;
/** Default `keep` of a feature's item. */
export const DEFAULT_STATUS_KEEP = 60;

/**
 * The order in which items are hidden when the bar is too narrow: lowest `keep` first, and of
 * equal ones the right-most first; items that are never hidden (keep = Infinity) are left out.
 */
export function statusDropOrder<T extends { keep: number; pos: number }>(items: readonly T[]): T[] {
  return items.filter((i) => Number.isFinite(i.keep)).sort((a, b) => a.keep - b.keep || b.pos - a.pos);
}

export class StatusBar {
  readonly dom: HTMLElement;
  private readonly connection = item('connection', null, 'Connection to the workbench services');
  private readonly source = item('source', 'radio', 'Data source');
  private readonly sourceUri = h('span.status-source-uri');
  private readonly sourceState = h('span.status-source-state');
  private readonly connectionTicker = new CountdownTicker(() => this.render(sessionStore.getState()));
  private readonly sourceTicker = new CountdownTicker(() => this.render(sessionStore.getState()));
  private readonly entities = item('entities', 'robot', 'Entities (robots, vehicles, devices) known');
  private readonly people = item('people', 'people', 'People positions known');
  private readonly fps = item('fps', 'gauge', '3D frames drawn per second (rendering is on demand: 0 when nothing moves)');
  private readonly recording = item('recording', 'record', 'Live recording');
  private readonly extras: HTMLElement;
  private readonly dot = h('span.status-dot');
  private readonly sourceDot = h('span.status-dot');
  private readonly unsubscribe: () => void;
  private readonly extraItems = new Map<string, { el: HTMLElement; order: number; keep: number }>();
  private readonly resize: ResizeObserver | null;
  private fitFrame = 0;

  constructor() {
    this.connection.el.prepend(this.dot);
    this.source.el.prepend(this.sourceDot);
    this.source.text.append(this.sourceUri, this.sourceState);
    this.recording.el.classList.add('status-recording');
    this.extras = h('div.status-extras');
    this.dom = h('footer.statusbar', { 'data-region': 'statusbar' },
      h('div.status-group', {}, this.connection.el, this.source.el),
      h('div.status-spacer'),
      this.extras,
      h('div.status-group', {}, this.entities.el, this.people.el, this.recording.el, this.fps.el));
    this.unsubscribe = sessionStore.subscribe((s) => this.render(s));
    this.render(sessionStore.getState());
    this.resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.scheduleFit()) : null;
    this.resize?.observe(this.dom);
  }

  setFps(fps: number): void {
    const text = `${fps} fps`;
    if (this.fps.text.textContent === text) return;
    this.fps.text.textContent = text;
    this.scheduleFit();
  }

  /**
   * A feature's status item; lower `order` sits further left. `keep`: how much it matters when
   * the bar is too narrow for every item (lower is hidden first; the built-in counts are 50, the
   * fps 10, the source 90).
   */
  addItem(id: string, order: number, keep = DEFAULT_STATUS_KEEP): { set(text: string, title?: string): void; dispose(): void } {
    if (this.extraItems.has(id)) throw new Error(`StatusBar: item "${id}" already exists`);
    const el = h('div.status-item', { 'data-status': id });
    this.extraItems.set(id, { el, order, keep });
    const sorted = [...this.extraItems.values()].sort((a, b) => a.order - b.order).map((x) => x.el);
    this.extras.replaceChildren(...sorted);
    this.scheduleFit();
    return {
      set: (text, title) => {
        if (el.textContent !== text) {
          el.textContent = text;
          this.scheduleFit();
        }
        if (title !== undefined) el.title = title;
      },
      dispose: () => {
        el.remove();
        this.extraItems.delete(id);
        this.scheduleFit();
      },
    };
  }

  dispose(): void {
    this.unsubscribe();
    this.connectionTicker.dispose();
    this.sourceTicker.dispose();
    this.resize?.disconnect();
    if (this.fitFrame) cancelAnimationFrame(this.fitFrame);
  }

  private scheduleFit(): void {
    if (!this.fitFrame && typeof requestAnimationFrame === 'function') this.fitFrame = requestAnimationFrame(() => this.fit());
  }

  /** Shows every item, then hides the least important ones until the bar's line fits. */
  private fit(): void {
    this.fitFrame = 0;
    const builtIn = [
      { el: this.connection.el, keep: KEEP.connection }, { el: this.source.el, keep: KEEP.source },
      { el: this.entities.el, keep: KEEP.entities }, { el: this.people.el, keep: KEEP.people },
      { el: this.recording.el, keep: KEEP.recording }, { el: this.fps.el, keep: KEEP.fps },
    ];
    const all = [...builtIn, ...[...this.extraItems.values()].map((x) => ({ el: x.el, keep: x.keep }))];
    for (const i of all) i.el.classList.remove('status-dropped');
    const positioned = all.map((i) => ({ ...i, pos: i.el.getBoundingClientRect().left }));
    const dropped: string[] = [];
    for (const i of statusDropOrder(positioned)) {
      if (this.dom.scrollWidth <= this.dom.clientWidth) break;
      if (i.el.hidden || !i.el.textContent) continue;
      i.el.classList.add('status-dropped');
      dropped.push(i.el.textContent);
    }
    this.dom.title = dropped.length ? `Not shown at this width: ${dropped.join(' · ')}` : '';
  }

  private render(s: SessionState): void {
    const now = Date.now();
    const c = s.connection;
    const retrying = c.state === 'reconnecting' ? c.retry : undefined;
    this.connectionTicker.follow(retrying);
    this.dot.dataset.tone = CONNECTION_TONE[c.state];
    this.connection.text.textContent = connectionLabel(c, now);
    this.connection.el.dataset.state = c.state;
    this.connection.el.title = `Workbench services${s.transport ? ` over ${s.transport}` : ''}: ${CONNECTION_LABEL[c.state]}${c.detail ? ` — ${c.detail}` : ''}`
      + (retrying ? `; ${retryCountdownText(retrying, now)}, at ${clockTime(retrying.at)}` : '');
    const src = s.source;
    const srcRetry = src?.state === 'reconnecting' ? src.retry : undefined;
    this.sourceTicker.follow(srcRetry);
    // Without the workbench the page knows only the source's last state: it says so, in grey, rather than a green "live".
    const heard = c.state === 'connected';
    this.sourceDot.dataset.tone = sourceTone(src?.state ?? 'none', heard);
    this.sourceUri.textContent = src ? src.uri : 'No source';
    this.sourceState.textContent = src ? (heard ? ` · ${sourceStateLabel(src, now)}` : ` · ${src.state} when last heard`) : '';
    this.source.el.title = src
      ? `${src.uri}: ${src.state}${src.detail ? ` — ${src.detail}` : ''}${srcRetry ? `; ${retryCountdownText(srcRetry, now)}` : ''}`
        + `\naccepted ${src.accepted.toLocaleString()}, rejected ${src.rejected.toLocaleString()}`
        + (heard ? '' : '\nThis page is not connected to the workbench: that was the last it heard.')
      : 'No data source connected';
    this.entities.text.textContent = `${s.entityCount.toLocaleString()} entities`;
    this.people.text.textContent = `${s.peopleCount.toLocaleString()} people`;
    this.scheduleFit();
    const rec = s.info?.recording;
    this.recording.el.hidden = !rec?.file && rec?.stopped === undefined;
    this.recording.el.classList.toggle('status-recording-stopped', rec?.stopped !== undefined);
    if (rec?.stopped !== undefined) {
      this.recording.text.textContent = 'not recording';
      this.recording.el.title = rec.stopped;
    } else if (rec?.file) {
      const name = rec.file.split(/[\\/]/).pop() ?? rec.file;
      this.recording.text.textContent = `${name} · ${formatBytes(rec.bytes)}`;
      this.recording.el.title = `Recording to ${rec.file}`;
    }
  }
}

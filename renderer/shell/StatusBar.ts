/**
 * The status bar: API connection (coloured dot), data source and its state, entity and people
 * counts, render FPS, the live recording (file + size), and items features add (ordered).
 */
import type { ConnectionState } from '../api/ApiTransport.js';
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

function item(name: string, iconName: IconName | null, title: string): { el: HTMLElement; text: HTMLElement } {
  const text = h('span.status-text');
  const el = h('div.status-item', { 'data-status': name, title }, iconName ? icon(iconName, 13) : null, text);
  return { el, text };
}

export class StatusBar {
  readonly dom: HTMLElement;
  private readonly connection = item('connection', null, 'Connection to the workbench services');
  private readonly source = item('source', 'radio', 'Data source');
  private readonly entities = item('entities', 'robot', 'Entities (robots, vehicles, devices) known');
  private readonly people = item('people', 'people', 'People positions known');
  private readonly fps = item('fps', 'gauge', '3D frames drawn per second (rendering is on demand: 0 when nothing moves)');
  private readonly recording = item('recording', 'record', 'Live recording');
  private readonly extras: HTMLElement;
  private readonly dot = h('span.status-dot');
  private readonly sourceDot = h('span.status-dot');
  private readonly unsubscribe: () => void;
  private readonly extraItems = new Map<string, { el: HTMLElement; order: number }>();

  constructor() {
    this.connection.el.prepend(this.dot);
    this.source.el.prepend(this.sourceDot);
    this.recording.el.classList.add('status-recording');
    this.extras = h('div.status-extras');
    this.dom = h('footer.statusbar', { 'data-region': 'statusbar' },
      h('div.status-group', {}, this.connection.el, this.source.el),
      h('div.status-spacer'),
      this.extras,
      h('div.status-group', {}, this.entities.el, this.people.el, this.recording.el, this.fps.el));
    this.unsubscribe = sessionStore.subscribe((s) => this.render(s));
    this.render(sessionStore.getState());
  }

  setFps(fps: number): void {
    this.fps.text.textContent = `${fps} fps`;
  }

  /** A feature's status item; lower `order` sits further left. */
  addItem(id: string, order: number): { set(text: string, title?: string): void; dispose(): void } {
    if (this.extraItems.has(id)) throw new Error(`StatusBar: item "${id}" already exists`);
    const el = h('div.status-item', { 'data-status': id });
    this.extraItems.set(id, { el, order });
    const sorted = [...this.extraItems.values()].sort((a, b) => a.order - b.order).map((x) => x.el);
    this.extras.replaceChildren(...sorted);
    return {
      set: (text, title) => {
        el.textContent = text;
        if (title !== undefined) el.title = title;
      },
      dispose: () => {
        el.remove();
        this.extraItems.delete(id);
      },
    };
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(s: SessionState): void {
    const c = s.connection;
    this.dot.dataset.tone = CONNECTION_TONE[c.state];
    this.connection.text.textContent = CONNECTION_LABEL[c.state];
    this.connection.el.dataset.state = c.state;
    this.connection.el.title = `Workbench services${s.transport ? ` over ${s.transport}` : ''}: ${CONNECTION_LABEL[c.state]}${c.detail ? ` — ${c.detail}` : ''}`;
    const src = s.source;
    this.sourceDot.dataset.tone = sourceTone(src?.state ?? 'none');
    this.source.text.textContent = src ? `${src.uri} · ${src.state}` : 'No source';
    this.source.el.title = src
      ? `${src.uri}: ${src.state}${src.detail ? ` — ${src.detail}` : ''}\naccepted ${src.accepted.toLocaleString()}, rejected ${src.rejected.toLocaleString()}`
      : 'No data source connected';
    this.entities.text.textContent = `${s.entityCount.toLocaleString()} entities`;
    this.people.text.textContent = `${s.peopleCount.toLocaleString()} people`;
    const rec = s.info?.recording;
    this.recording.el.hidden = !rec?.file;
    if (rec?.file) {
      const name = rec.file.split(/[\\/]/).pop() ?? rec.file;
      this.recording.text.textContent = `${name} · ${formatBytes(rec.bytes)}`;
      this.recording.el.title = `Recording to ${rec.file}`;
    }
  }
}

/**
 * "Connect a data source": pick a kind (testbed simulator, MQTT broker, NGSI-LD broker, MCAP
 * recording) or type a URI; `source.connect` replaces the current source. The URI is checked
 * for its scheme here so a typo gets an immediate answer; main validates it fully.
 */
import type { ApiClient } from '../api/ApiClient.js';
import { sessionStore } from '../stores/sessionStore.js';
import { settingsStore } from '../stores/settingsStore.js';
import { Dialog } from './Dialog.js';
import { h } from './h.js';
import { icon, type IconName } from './icon.js';

interface Preset {
  id: string;
  label: string;
  icon: IconName;
  hint: string;
  uri: string;
}

const PRESETS: Preset[] = [
  { id: 'testbed', label: 'Testbed simulator', icon: 'robot', hint: 'Built-in simulated robots, tags and a bus on the sample building', uri: 'testbed:' },
  { id: 'mqtt', label: 'MQTT broker', icon: 'radio', hint: 'mqtt://HOST:PORT/PREFIX — topics as in spec/telemetry.md', uri: 'mqtt://127.0.0.1:1883/testbed' },
  { id: 'ngsi', label: 'NGSI-LD broker', icon: 'building', hint: 'ngsi-ld:http://HOST:PORT — FIWARE context broker', uri: 'ngsi-ld:http://127.0.0.1:1026' },
  { id: 'file', label: 'Recording', icon: 'record', hint: 'file:PATH.mcap — replay a recorded session', uri: 'file:' },
];

/**
 * A quick check of the scheme (same four as main/sources/sourceUri.ts) so a typo is answered at
 * once; main validates the rest and its error is shown as is.
 */
export function checkSourceUri(uri: string): string | null {
  const u = uri.trim();
  if (!u) return 'Enter a source URI, e.g. testbed: or mqtt://127.0.0.1:1883/testbed';
  if (/^(testbed:|mqtts?:\/\/|ngsi-ld:|file:)/.test(u)) return null;
  return `"${u}" is not a source URI: use testbed:, mqtt://HOST:PORT/PREFIX, ngsi-ld:http://HOST:PORT or file:PATH.mcap`;
}

export class ConnectDialog {
  readonly dialog = new Dialog('connect', 'Connect a data source');
  private readonly input = h('input.input.mono', { type: 'text', spellcheck: 'false', 'aria-label': 'Source URI', placeholder: 'testbed:' });
  private readonly error = h('div.form-error', { role: 'alert', hidden: true });
  private readonly recent = h('div.recent-list');
  private readonly connectButton: HTMLButtonElement;

  constructor(private readonly api: ApiClient, private readonly notify: (level: 'info' | 'error', msg: string) => void) {
    const cards = h('div.preset-grid');
    for (const p of PRESETS) {
      const card = h('button.preset-card', { type: 'button', 'data-preset': p.id }, icon(p.icon, 20), h('strong', {}, p.label), h('span', {}, p.hint));
      card.addEventListener('click', () => {
        this.input.value = p.uri;
        this.input.focus();
        this.input.setSelectionRange(p.uri.length, p.uri.length);
        for (const c of cards.children) c.classList.toggle('active', c === card);
      });
      cards.append(card);
    }
    this.dialog.body.append(
      cards,
      h('label.field-label', {}, 'Source URI'),
      this.input,
      this.error,
      this.recent,
    );
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.connect();
    });
    this.input.addEventListener('input', () => (this.error.hidden = true));
    const disconnect = this.dialog.addButton('Disconnect', 'secondary', () => void this.disconnect());
    disconnect.classList.add('footer-left');
    this.dialog.addButton('Cancel', 'secondary', () => this.dialog.close());
    this.connectButton = this.dialog.addButton('Connect', 'primary', () => void this.connect());
  }

  open(): void {
    const current = sessionStore.getState().source;
    this.input.value = current?.uri ?? 'testbed:';
    this.error.hidden = true;
    const recents = settingsStore.getState().settings.recentRecordings.slice(0, 5);
    this.recent.replaceChildren();
    if (recents.length) {
      this.recent.append(h('div.field-label', {}, 'Recent recordings'));
      for (const r of recents) {
        const b = h('button.recent-item.mono', { type: 'button', title: r }, r);
        b.addEventListener('click', () => (this.input.value = `file:${r}`));
        this.recent.append(b);
      }
    }
    this.dialog.open();
    this.input.select();
  }

  private async connect(): Promise<void> {
    const uri = this.input.value.trim();
    const problem = checkSourceUri(uri);
    if (problem) return this.showError(problem);
    this.connectButton.disabled = true;
    try {
      const status = await this.api.call('source.connect', { uri });
      sessionStore.setState({ source: status });
      this.dialog.close();
      this.notify('info', `Connected to ${status.uri}`);
    } catch (e) {
      this.showError((e as Error).message);
    } finally {
      this.connectButton.disabled = false;
    }
  }

  private async disconnect(): Promise<void> {
    try {
      await this.api.call('source.disconnect', {});
      this.dialog.close();
    } catch (e) {
      this.showError((e as Error).message);
    }
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }
}

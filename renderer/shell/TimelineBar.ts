/**
 * The bottom timeline: play/pause, jump to start, a time slider over the source's range, the
 * current time and a speed selector — each only when the source declares it (sourceControls).
 * Live sources show a LIVE badge and the latest data time instead of a slider.
 */
import type { ApiClient } from '../api/ApiClient.js';
import { sessionStore } from '../stores/sessionStore.js';
import { h } from './h.js';
import { icon } from './icon.js';
import { formatTime } from './formatTime.js';
import { sourceControls } from './sourceControls.js';

const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 60];

export class TimelineBar {
  readonly dom: HTMLElement;
  private readonly play = h('button.icon-button.play-button', { type: 'button', title: 'Play / pause (Space)', 'data-testid': 'play-pause' });
  private readonly restart = h('button.icon-button', { type: 'button', title: 'Back to start', 'aria-label': 'Back to start' }, icon('skipBack', 14));
  private readonly slider = h('input.timeline-slider', { type: 'range', min: 0, max: 1000, step: 1, value: 0, 'aria-label': 'Time' });
  private readonly now = h('span.timeline-now', { 'data-testid': 'timeline-now' }, '—');
  private readonly end = h('span.timeline-end');
  private readonly speed = h('select.select.speed-select', { title: 'Playback speed', 'aria-label': 'Playback speed' });
  private readonly live = h('span.live-badge', { 'data-testid': 'live-badge' }, h('span.live-dot'), 'LIVE');
  private readonly empty = h('div.timeline-empty');
  private readonly controls: HTMLElement;
  private dragging = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly api: ApiClient, connect: () => void, private readonly notifyError: (message: string) => void) {
    for (const s of SPEEDS) this.speed.append(h('option', { value: s }, `${s}×`));
    const connectBtn = h('button.button.button-secondary.button-small', { type: 'button' }, icon('plug', 14), 'Connect a source…');
    connectBtn.addEventListener('click', connect);
    this.empty.append(icon('clock', 16), h('span', {}, 'No data source'), connectBtn);
    this.controls = h('div.timeline-controls', {}, this.play, this.restart, this.live, this.now, this.slider, this.end, this.speed);
    this.dom = h('footer.timeline', { 'data-region': 'timeline' }, this.controls, this.empty);

    this.play.addEventListener('click', () => void this.togglePlay());
    this.restart.addEventListener('click', () => {
      const r = sessionStore.getState().source?.range;
      if (r) void this.guard(this.api.call('source.seek', { t: r.start }));
    });
    this.slider.addEventListener('input', () => {
      this.dragging = true;
      const r = sessionStore.getState().source?.range;
      if (r) this.now.textContent = formatTime(this.sliderTime(r));
    });
    this.slider.addEventListener('change', () => {
      this.dragging = false;
      const r = sessionStore.getState().source?.range;
      if (r) void this.guard(this.api.call('source.seek', { t: this.sliderTime(r) }));
    });
    this.speed.addEventListener('change', () => void this.guard(this.api.call('source.setSpeed', { speed: Number(this.speed.value) })));
    this.unsubscribe = sessionStore.subscribe((s, prev) => {
      if (s.source !== prev.source || s.frameTime !== prev.frameTime) this.render();
    });
    this.render();
  }

  async togglePlay(): Promise<void> {
    const s = sessionStore.getState().source;
    if (!s || !sourceControls(s).pause) return;
    await this.guard(s.state === 'playing' ? this.api.call('source.pause', {}) : this.api.call('source.resume', {}));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private sliderTime(r: { start: number; end: number }): number {
    return r.start + (Number(this.slider.value) / 1000) * (r.end - r.start);
  }

  private async guard(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (e) {
      this.notifyError((e as Error).message);
    }
  }

  private render(): void {
    const { source, frameTime } = sessionStore.getState();
    const c = sourceControls(source);
    const hasSource = !!source && source.state !== 'stopped' && source.state !== 'idle';
    this.controls.hidden = !hasSource;
    this.empty.hidden = hasSource;
    if (!source) return;
    this.play.hidden = !c.pause;
    this.restart.hidden = !c.seek;
    this.slider.hidden = !c.seek;
    this.end.hidden = !c.seek;
    this.speed.hidden = !c.speed;
    this.live.hidden = !c.live;
    this.live.classList.toggle('stalled', source.state !== 'live');
    this.play.replaceChildren(icon(source.state === 'playing' ? 'pause' : 'play', 16));
    this.play.setAttribute('aria-label', source.state === 'playing' ? 'Pause' : 'Play');
    const t = source.now ?? frameTime;
    if (!this.dragging) this.now.textContent = formatTime(t);
    if (c.seek && source.range) {
      const r = source.range;
      this.end.textContent = formatTime(r.end, false);
      if (!this.dragging && Number.isFinite(t)) this.slider.value = String(Math.round(((t - r.start) / (r.end - r.start)) * 1000));
    }
    if (c.speed && source.speed !== undefined) setSpeedValue(this.speed, source.speed);
  }
}

/** Selects the option for `speed`, adding one if the source runs at an unlisted speed. */
function setSpeedValue(select: HTMLSelectElement, speed: number): void {
  const v = String(speed);
  if (![...select.options].some((o) => o.value === v)) select.append(h('option', { value: v }, `${speed}×`));
  if (select.value !== v) select.value = v;
}

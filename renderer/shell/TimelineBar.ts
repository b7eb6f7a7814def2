/**
 * The bottom timeline: play/pause, jump to start, a time slider over the source's range, the
 * current time and a speed selector (0.1×–100×) — each only when the source declares it
 * (sourceControls). Live sources show a LIVE badge and the latest data time instead of a slider,
 * plus "Review": the recent past of the live session (the last hour of the record folder,
 * 'review.*' API, main/replay/LiveReview.ts) becomes a timeline to scrub while live data keeps
 * recording; the controls then drive the review, and "Back to live" returns.
 */
import type { ApiClient } from '../api/ApiClient.js';
import type { ReviewStatus } from '../../common/replay.js';
import { sessionStore } from '../stores/sessionStore.js';
import { h } from './h.js';
import { icon } from './icon.js';
import { formatTime } from './formatTime.js';
import { sourceControls } from './sourceControls.js';

const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 60, 100];

/** What the controls act on: the session's source, or the live review. */
interface PlayerView {
  state: 'playing' | 'paused' | 'ended' | 'other';
  range: { start: number; end: number } | null;
  now: number;
  speed: number | undefined;
  controls: { pause: boolean; seek: boolean; speed: boolean; live: boolean };
}

export class TimelineBar {
  readonly dom: HTMLElement;
  private readonly play = h('button.icon-button.play-button', { type: 'button', title: 'Play / pause (Space)', 'data-testid': 'play-pause' });
  private readonly restart = h('button.icon-button', { type: 'button', title: 'Back to start', 'aria-label': 'Back to start' }, icon('skipBack', 14));
  private readonly slider = h('input.timeline-slider', { type: 'range', min: 0, max: 1000, step: 1, value: 0, 'aria-label': 'Time', 'data-testid': 'timeline-slider' });
  private readonly now = h('span.timeline-now', { 'data-testid': 'timeline-now' }, '—');
  private readonly end = h('span.timeline-end');
  private readonly speed = h('select.select.speed-select', { title: 'Playback speed', 'aria-label': 'Playback speed' });
  private readonly live = h('span.live-badge', { 'data-testid': 'live-badge' }, h('span.live-dot'), 'LIVE');
  private readonly reviewBtn = h('button.button.button-secondary.button-small', { type: 'button', 'data-testid': 'review-start', title: 'Scrub back over the last hour of this live session (it keeps recording)' }, icon('clock', 14), 'Review');
  private readonly reviewBadge = h('span.live-badge.stalled', { 'data-testid': 'review-badge' }, 'REVIEW');
  private readonly backToLive = h('button.button.button-small', { type: 'button', 'data-testid': 'back-to-live', title: 'Leave the review and show live data again' }, icon('radio', 14), 'Back to live');
  private readonly empty = h('div.timeline-empty');
  private readonly controls: HTMLElement;
  private dragging = false;
  private review: ReviewStatus = { state: 'off' };
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly api: ApiClient, connect: () => void, private readonly notifyError: (message: string) => void) {
    for (const s of SPEEDS) this.speed.append(h('option', { value: s }, `${s}×`));
    const connectBtn = h('button.button.button-secondary.button-small', { type: 'button' }, icon('plug', 14), 'Connect a source…');
    connectBtn.addEventListener('click', connect);
    this.empty.append(icon('clock', 16), h('span', {}, 'No data source'), connectBtn);
    this.controls = h('div.timeline-controls', {}, this.play, this.restart, this.live, this.reviewBadge, this.now, this.slider, this.end, this.speed, this.reviewBtn, this.backToLive);
    this.dom = h('footer.timeline', { 'data-region': 'timeline' }, this.controls, this.empty);

    this.play.addEventListener('click', () => void this.togglePlay());
    this.restart.addEventListener('click', () => {
      const r = this.view()?.range;
      if (r) void this.guard(this.seek(r.start));
    });
    this.slider.addEventListener('input', () => {
      this.dragging = true;
      const r = this.view()?.range;
      if (r) this.now.textContent = formatTime(this.sliderTime(r));
    });
    this.slider.addEventListener('change', () => {
      this.dragging = false;
      const r = this.view()?.range;
      if (r) void this.guard(this.seek(this.sliderTime(r)));
    });
    this.speed.addEventListener('change', () => {
      const speed = Number(this.speed.value);
      void this.guard(this.reviewing() ? this.api.call('review.setSpeed', { speed }) : this.api.call('source.setSpeed', { speed }));
    });
    this.reviewBtn.addEventListener('click', () => void this.guard(this.api.call('review.start', {}).then((s) => this.setReview(s))));
    this.backToLive.addEventListener('click', () => void this.guard(this.api.call('review.stop', {}).then((s) => this.setReview(s))));
    this.unsubscribe.push(
      sessionStore.subscribe((s, prev) => {
        if (s.source !== prev.source || s.frameTime !== prev.frameTime) this.render();
      }),
      this.api.on('review.status', (s) => this.setReview(s)),
    );
    void this.api.call('review.status', {}).then((s) => this.setReview(s), () => undefined);
    this.render();
  }

  async togglePlay(): Promise<void> {
    const v = this.view();
    if (!v?.controls.pause) return;
    if (this.reviewing()) await this.guard(v.state === 'playing' ? this.api.call('review.pause', {}) : this.api.call('review.play', {}));
    else await this.guard(v.state === 'playing' ? this.api.call('source.pause', {}) : this.api.call('source.resume', {}));
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private reviewing(): boolean {
    return this.review.state === 'on';
  }

  private setReview(s: ReviewStatus): void {
    this.review = s;
    this.render();
  }

  private seek(t: number): Promise<unknown> {
    return this.reviewing() ? this.api.call('review.seek', { t }) : this.api.call('source.seek', { t });
  }

  /** The player the controls show: the live review while it is on, else the session's source. */
  private view(): PlayerView | null {
    const r = this.review;
    if (r.state === 'on') {
      return { state: r.playback, range: r.range, now: r.now ?? NaN, speed: r.speed, controls: { pause: true, seek: !!r.range, speed: true, live: false } };
    }
    const { source, frameTime } = sessionStore.getState();
    if (!source) return null;
    const state = source.state === 'playing' || source.state === 'paused' || source.state === 'ended' ? source.state : 'other';
    return { state, range: source.range ?? null, now: source.now ?? frameTime, speed: source.speed, controls: sourceControls(source) };
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
    const { source } = sessionStore.getState();
    const hasSource = !!source && source.state !== 'stopped' && source.state !== 'idle';
    this.controls.hidden = !hasSource;
    this.empty.hidden = hasSource;
    const v = this.view();
    if (!source || !v) return;
    const c = v.controls;
    const review = this.review.state;
    this.play.hidden = !c.pause;
    this.restart.hidden = !c.seek;
    this.slider.hidden = !c.seek;
    this.end.hidden = !c.seek;
    this.speed.hidden = !c.speed;
    this.live.hidden = !c.live;
    this.live.classList.toggle('stalled', source.state !== 'live');
    // Review is offered on live sources; while it is on, "Back to live" leaves it.
    this.reviewBtn.hidden = review !== 'off' || !sourceControls(source).live;
    this.reviewBadge.hidden = review === 'off';
    this.reviewBadge.textContent = review === 'opening' ? 'OPENING THE LAST HOUR…' : 'REVIEW';
    this.backToLive.hidden = review !== 'on';
    this.play.replaceChildren(icon(v.state === 'playing' ? 'pause' : 'play', 16));
    this.play.setAttribute('aria-label', v.state === 'playing' ? 'Pause' : 'Play');
    if (!this.dragging) this.now.textContent = formatTime(v.now);
    if (c.seek && v.range) {
      const r = v.range;
      this.end.textContent = formatTime(r.end, false);
      if (!this.dragging && Number.isFinite(v.now)) this.slider.value = String(Math.round(((v.now - r.start) / (r.end - r.start || 1)) * 1000));
    }
    if (c.speed && v.speed !== undefined) setSpeedValue(this.speed, v.speed);
  }
}

/** Selects the option for `speed`, adding one if the source runs at an unlisted speed. */
function setSpeedValue(select: HTMLSelectElement, speed: number): void {
  const v = String(speed);
  if (![...select.options].some((o) => o.value === v)) select.append(h('option', { value: v }, `${speed}×`));
  if (select.value !== v) select.value = v;
}

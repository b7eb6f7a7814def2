/**
 * The bottom timeline: play/pause, jump to start, a time slider over the source's range, the
 * current time and a speed selector (0.1×–100×) — each only when the source declares it
 * (sourceControls). Live sources show a LIVE badge and the latest data time instead of a slider (when the
 * data stops, the badge says why and a figure beside the clock counts the silence: liveClock.ts),
 * plus "Review": the recent past of the live session (the last hour of the record folder,
 * 'review.*' API, main/replay/LiveReview.ts) becomes a timeline to scrub while live data keeps
 * recording; the controls then drive the review, and "Back to live" returns.
 *
 * Seekable players also get step back / forward (1 s, Shift: 0.1 s; pausing first, clamped to the
 * range; the paused clock shows tenths) and previous / next alert: a seek to the alert raised
 * before / after the current time, from the recording's alert marks ('replay.info', fetched when a
 * file: source or a review opens, again until its index pass is done — not every tick).
 */
import type { ApiClient } from '../api/ApiClient.js';
import type { ReplayInfo, ReviewStatus } from '../../common/replay.js';
import type { SourceStatus } from '../../common/source.js';
import type { CommandSpec } from './WorkbenchContext.js';
import { sessionStore } from '../stores/sessionStore.js';
import { h } from './h.js';
import { icon } from './icon.js';
import { formatTime, zoneLabel } from './formatTime.js';
import { failedSourceText, sourceControls } from './sourceControls.js';
import { DataArrival, liveClockView, silenceSince } from './liveClock.js';
import { FINE_STEP_MS, STEP_MS, achievedSpeedText, canStep, describeAlert, formatClock, nextAlert, previousAlert, sortAlerts, stepIcon, stepTarget, type AlertMark } from './replaySteps.js';

/** While a recording is still being indexed, its alert marks are asked for again at most this often. */
const ALERTS_RETRY_MS = 2000;
const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 10, 16, 60, 100];

/** What the controls act on: the session's source, or the live review. */
interface PlayerView {
  state: 'playing' | 'paused' | 'ended' | 'other';
  range: { start: number; end: number } | null;
  now: number;
  speed: number | undefined;
  /** Replay playing (or the live testbed running) slower than `speed` (SourceStatus achievedSpeed), else undefined. */
  achieved?: number | undefined;
  /** A live source (state 'other' here) that is running. */
  live?: boolean;
  controls: { pause: boolean; seek: boolean; speed: boolean; live: boolean };
}

export class TimelineBar {
  readonly dom: HTMLElement;
  private readonly play = h('button.icon-button.play-button', { type: 'button', title: 'Play / pause (Space)', 'data-testid': 'play-pause' });
  private readonly restart = h('button.icon-button', { type: 'button', title: 'Back to start', 'aria-label': 'Back to start' }, icon('skipBack', 14));
  private readonly slider = h('input.timeline-slider', { type: 'range', min: 0, max: 1000, step: 1, value: 0, 'aria-label': 'Time', 'data-testid': 'timeline-slider' });
  private readonly now = h('span.timeline-now', { 'data-testid': 'timeline-now' }, '—');
  /** The clock's zone ("UTC+9"): the timeline is local time; Analytics, exports and twin inspect are UTC. */
  private readonly zone = h('span.timeline-zone', { 'data-testid': 'timeline-zone', title: 'Local time. Analytics, exports (twin export) and twin inspect give times in UTC.' }, '');
  private readonly end = h('span.timeline-end');
  private readonly stepBack = h('button.icon-button.step-button', { type: 'button', 'data-testid': 'step-back', title: 'Step back 1 s (,) — Shift: 0.1 s (<)', 'aria-label': 'Step back' }, stepIcon('stepBack', 16));
  private readonly stepForward = h('button.icon-button.step-button', { type: 'button', 'data-testid': 'step-forward', title: 'Step forward 1 s (.) — Shift: 0.1 s (>)', 'aria-label': 'Step forward' }, stepIcon('stepForward', 16));
  private readonly prevAlertBtn = h('button.icon-button.alert-jump', { type: 'button', 'data-testid': 'alert-prev', 'aria-label': 'Previous alert' }, stepIcon('alertPrev', 16));
  private readonly nextAlertBtn = h('button.icon-button.alert-jump', { type: 'button', 'data-testid': 'alert-next', 'aria-label': 'Next alert' }, stepIcon('alertNext', 16));
  private readonly alertCount = h('span.timeline-alerts', { 'data-testid': 'timeline-alerts' });
  private readonly alertJumps = h('span.timeline-alert-jumps', {}, this.prevAlertBtn, this.alertCount, this.nextAlertBtn);
  private readonly speed = h('select.select.speed-select', { title: 'Playback speed', 'aria-label': 'Playback speed' });
  private readonly achieved = h('span.speed-achieved', { 'data-testid': 'timeline-achieved', hidden: true });
  private readonly liveText = h('span', {}, 'LIVE');
  private readonly live = h('span.live-badge', { 'data-testid': 'live-badge' }, h('span.live-dot'), this.liveText);
  /** "no data for 25 s" beside a live clock that stands still. */
  private readonly dataAge = h('span.timeline-age', { 'data-testid': 'timeline-age', title: 'Wall time since data last came from the source' });
  private readonly arrival = new DataArrival();
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly reviewBtn = h('button.button.button-secondary.button-small', { type: 'button', 'data-testid': 'review-start', title: 'Scrub back over the last hour of this live session (it keeps recording)' }, icon('clock', 14), 'Review');
  private readonly reviewBadge = h('span.live-badge.stalled', { 'data-testid': 'review-badge' }, 'REVIEW');
  private readonly backToLive = h('button.button.button-small', { type: 'button', 'data-testid': 'back-to-live', title: 'Leave the review and show live data again' }, icon('radio', 14), 'Back to live');
  private readonly empty = h('div.timeline-empty', { 'data-testid': 'timeline-empty' });
  private readonly emptyText = h('span', { 'data-testid': 'timeline-empty-text' }, 'No data source');
  private readonly controls: HTMLElement;
  private dragging = false;
  private review: ReviewStatus = { state: 'off' };
  /** Alerts raised in the open recording (or review), by time; which one they belong to. */
  private alerts: AlertMark[] = [];
  private alertsKey: string | null = null;
  private alertsComplete = false;
  private alertsLoading = false;
  /** When the alert marks were last asked for (performance.now()), to ask at most every ALERTS_RETRY_MS while indexing. */
  private alertsAskedAt = -Infinity;
  private alertsAskedKey: string | null = null;
  private alertsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Steps run one after another, each from where the previous one left the clock. */
  private steps: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly api: ApiClient, connect: () => void, private readonly notifyError: (message: string) => void) {
    for (const s of SPEEDS) this.speed.append(h('option', { value: s }, `${s}×`));
    const connectBtn = h('button.button.button-secondary.button-small', { type: 'button' }, icon('plug', 14), 'Connect a source…');
    connectBtn.addEventListener('click', connect);
    this.empty.append(icon('clock', 16), this.emptyText, connectBtn);
    this.controls = h('div.timeline-controls', {}, this.play, this.restart, this.stepBack, this.stepForward, this.live, this.reviewBadge, this.now, this.zone, this.dataAge, this.slider, this.end, this.alertJumps, this.speed, this.achieved, this.reviewBtn, this.backToLive);
    this.dom = h('footer.timeline', { 'data-region': 'timeline' }, this.controls, this.empty);

    this.play.addEventListener('click', () => void this.togglePlay());
    this.restart.addEventListener('click', () => {
      const r = this.view()?.range;
      if (r) void this.guard(this.seek(r.start));
    });
    this.stepBack.addEventListener('click', (e) => void this.step(-(e.shiftKey ? FINE_STEP_MS : STEP_MS)));
    this.stepForward.addEventListener('click', (e) => void this.step(e.shiftKey ? FINE_STEP_MS : STEP_MS));
    this.prevAlertBtn.addEventListener('click', () => void this.jumpToAlert(-1));
    this.nextAlertBtn.addEventListener('click', () => void this.jumpToAlert(1));
    this.slider.addEventListener('input', () => {
      this.dragging = true;
      const r = this.view()?.range;
      if (r) this.now.textContent = formatClock(this.sliderTime(r), true, this.view()?.state !== 'playing');
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
        if (s.source !== prev.source || s.frameTime !== prev.frameTime || s.connection.state !== prev.connection.state) this.render();
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

  /**
   * Moves the clock by `deltaMs` (clamped to the range), pausing first. A file: replay steps
   * forward through the records in between ('replay.step'); steps back, other sources and the
   * live review seek. Several clicks in a row each step from where the previous one landed.
   */
  step(deltaMs: number): Promise<void> {
    this.steps = this.steps.then(() => this.guard(this.stepNow(deltaMs)));
    return this.steps;
  }

  /** Seeks to the alert raised before (-1) or after (1) the current time, if there is one. */
  async jumpToAlert(dir: -1 | 1): Promise<void> {
    const v = this.view();
    if (!v?.controls.seek) return;
    const a = dir < 0 ? previousAlert(this.alerts, v.now) : nextAlert(this.alerts, v.now);
    if (a) await this.guard(this.seek(a.t));
  }

  /** Step and alert-jump commands with their keys (',' '.' and, with Shift on US layouts, '<' '>'), for the registry. */
  commands(): CommandSpec[] {
    return [
      { id: 'timeline.stepBack', title: 'Replay: step back 1 s', key: ',', run: () => this.step(-STEP_MS) },
      { id: 'timeline.stepForward', title: 'Replay: step forward 1 s', key: '.', run: () => this.step(STEP_MS) },
      { id: 'timeline.stepBackFine', title: 'Replay: step back 0.1 s', key: '<', run: () => this.step(-FINE_STEP_MS) },
      { id: 'timeline.stepForwardFine', title: 'Replay: step forward 0.1 s', key: '>', run: () => this.step(FINE_STEP_MS) },
      { id: 'timeline.previousAlert', title: 'Replay: jump to the previous alert', run: () => this.jumpToAlert(-1) },
      { id: 'timeline.nextAlert', title: 'Replay: jump to the next alert', run: () => this.jumpToAlert(1) },
    ];
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    clearTimeout(this.alertsTimer);
    clearTimeout(this.liveTimer);
  }

  private async stepNow(deltaMs: number): Promise<void> {
    const v = this.view();
    if (!v?.controls.seek) return;
    if (v.state === 'playing') {
      await (this.reviewing() ? this.api.call('review.pause', {}) : this.api.call('source.pause', {}));
    }
    // After a pause the status says where playback stopped.
    const now = this.view()?.now ?? v.now;
    const to = stepTarget(now, deltaMs, v.range);
    if (to === null || to === now) return;
    const uri = sessionStore.getState().source?.uri ?? '';
    if (!this.reviewing() && uri.startsWith('file:') && to > now) await this.api.call('replay.step', { ms: to - now });
    else await this.seek(to);
  }

  /** Which recording the alert marks come from: the review, a file: source, or none. */
  private recordingKey(): string | null {
    if (this.review.state === 'on') return `review ${this.review.range?.start ?? ''}-${this.review.range?.end ?? ''}`;
    if (this.review.state !== 'off') return null;
    const s = sessionStore.getState().source;
    const open = s?.state === 'playing' || s?.state === 'paused' || s?.state === 'ended';
    return open && s.uri.startsWith('file:') ? s.uri : null;
  }

  /** Fetches the alert marks when the recording changes, and again until its index is complete. */
  private refreshAlerts(): void {
    const key = this.recordingKey();
    if (key !== this.alertsKey) {
      this.alertsKey = key;
      this.alerts = [];
      this.alertsComplete = false;
    }
    if (key === null || this.alertsComplete || this.alertsLoading) return;
    const wait = this.alertsAskedKey === key ? this.alertsAskedAt + ALERTS_RETRY_MS - performance.now() : 0;
    if (wait > 0) {
      // Ask again once the wait is over, even if nothing renders meanwhile (a paused replay).
      this.alertsTimer ??= setTimeout(() => {
        this.alertsTimer = undefined;
        this.refreshAlerts();
      }, wait);
      return;
    }
    this.alertsAskedAt = performance.now();
    this.alertsAskedKey = key;
    this.alertsLoading = true;
    this.api.call('replay.info', { buckets: 300 }).then(
      (info: ReplayInfo) => {
        this.alertsLoading = false;
        if (this.alertsKey !== key) return this.refreshAlerts();
        this.alerts = sortAlerts(info.timeline?.alerts ?? []);
        this.alertsComplete = info.state === 'ready' && !!info.timeline;
        this.render();
      },
      () => {
        // Not open yet (or gone): ask again after the wait, while this recording is still shown.
        this.alertsLoading = false;
        this.refreshAlerts();
      },
    );
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
      return { state: r.playback, range: r.range, now: r.now ?? NaN, speed: r.speed, achieved: r.achievedSpeed, controls: { pause: true, seek: !!r.range, speed: true, live: false } };
    }
    const { source, frameTime } = sessionStore.getState();
    if (!source) return null;
    const state = source.state === 'playing' || source.state === 'paused' || source.state === 'ended' ? source.state : 'other';
    return { state, range: source.range ?? null, now: source.now ?? frameTime, speed: source.speed, achieved: source.achievedSpeed, live: source.state === 'live', controls: sourceControls(source) };
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
    // A source in error (a recording that cannot be opened, an empty folder) has no clock to show:
    // the bar says why instead of a clock and a speed for nothing.
    const failed = source?.state === 'error' && !source.range;
    const hasSource = !!source && source.state !== 'stopped' && source.state !== 'idle' && !failed;
    this.controls.hidden = !hasSource;
    this.empty.hidden = hasSource;
    this.emptyText.textContent = failed ? failedSourceText(source.uri, source.detail) : 'No data source';
    this.emptyText.title = this.emptyText.textContent;
    const v = this.view();
    if (!source || !v) return;
    this.refreshAlerts();
    const c = v.controls;
    const review = this.review.state;
    this.play.hidden = !c.pause;
    this.restart.hidden = !c.seek;
    this.slider.hidden = !c.seek;
    this.end.hidden = !c.seek;
    this.speed.hidden = !c.speed;
    // A page that lost the workbench shows a replay's last heard state too, and its controls cannot reach it.
    const pageConnected = sessionStore.getState().connection.state === 'connected';
    this.live.hidden = !c.live && pageConnected;
    this.renderLiveClock(c.live ? source : null, v.now);
    if (!c.live && !pageConnected) {
      this.liveText.textContent = 'NOT CONNECTED';
      this.live.classList.add('stalled');
    }
    this.play.disabled = this.restart.disabled = this.slider.disabled = !pageConnected;
    // Review is offered on live sources; while it is on, "Back to live" leaves it.
    this.reviewBtn.hidden = review !== 'off' || !sourceControls(source).live;
    this.reviewBadge.hidden = review === 'off';
    this.reviewBadge.textContent = review === 'opening' ? 'OPENING THE LAST HOUR…' : 'REVIEW';
    this.backToLive.hidden = review !== 'on';
    this.play.replaceChildren(icon(v.state === 'playing' ? 'pause' : 'play', 16));
    this.play.setAttribute('aria-label', v.state === 'playing' ? 'Pause' : 'Play');
    this.stepBack.hidden = !c.seek;
    this.stepForward.hidden = !c.seek;
    this.stepBack.disabled = !pageConnected || !canStep(v.now, -1, v.range);
    this.stepForward.disabled = !pageConnected || !canStep(v.now, 1, v.range);
    this.renderAlertJumps(v, c.seek);
    this.now.dataset['t'] = Number.isFinite(v.now) ? String(v.now) : '';
    if (!this.dragging) this.now.textContent = formatClock(v.now, true, v.state !== 'playing');
    this.zone.textContent = Number.isFinite(v.now) ? zoneLabel(v.now) : '';
    if (c.seek && v.range) {
      const r = v.range;
      this.end.textContent = formatTime(r.end, false);
      if (!this.dragging && Number.isFinite(v.now)) this.slider.value = String(Math.round(((v.now - r.start) / (r.end - r.start || 1)) * 1000));
    }
    if (c.speed && v.speed !== undefined) setSpeedValue(this.speed, v.speed);
    // A replay playing, or a live simulated testbed (LIVE while its data fell 70–100 s behind), slower than chosen.
    const slow = c.speed && (v.state === 'playing' || v.live === true) && v.achieved !== undefined && v.speed !== undefined ? achievedSpeedText(v.achieved, v.speed, v.live === true) : null;
    this.achieved.hidden = !slow;
    this.achieved.textContent = slow?.text ?? '';
    this.achieved.title = slow?.title ?? '';
  }

  /** The badge and the silence figure of a live clock (`source` null: no live clock shown); re-renders when they change. */
  private renderLiveClock(source: SourceStatus | null, dataTime: number): void {
    clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    if (source === null) {
      this.dataAge.hidden = true;
      return;
    }
    const wallNow = Date.now();
    this.arrival.note(source.uri, dataTime, wallNow);
    // Counted from the host's last data: a page reloaded during an outage goes on from the whole outage.
    const lv = liveClockView(source.state, silenceSince(source, this.arrival, wallNow), wallNow, sessionStore.getState().connection.state === 'connected');
    this.liveText.textContent = lv.badge;
    this.live.classList.toggle('stalled', lv.stalled);
    this.dataAge.hidden = lv.age === null;
    this.dataAge.textContent = lv.age ?? '';
    if (lv.nextChangeMs !== null) this.liveTimer = setTimeout(() => this.render(), lv.nextChangeMs + 5);
  }

  private renderAlertJumps(v: PlayerView, seekable: boolean): void {
    this.alertJumps.hidden = !seekable || this.recordingKey() === null;
    const n = this.alerts.length;
    this.alertCount.textContent = n === 1 ? '1 alert' : `${n} alerts`;
    this.alertCount.title = this.alertsComplete ? 'Alerts raised in this recording' : 'Alerts raised so far (the recording is still being indexed)';
    const prev = previousAlert(this.alerts, v.now);
    const next = nextAlert(this.alerts, v.now);
    this.prevAlertBtn.disabled = !prev;
    this.nextAlertBtn.disabled = !next;
    this.prevAlertBtn.title = prev ? `Previous alert: ${describeAlert(prev)}` : 'No alert before this time';
    this.nextAlertBtn.title = next ? `Next alert: ${describeAlert(next)}` : 'No alert after this time';
  }
}

/** Selects the option for `speed`, adding one if the source runs at an unlisted speed. */
/** The speed menu's entries while the source runs at `speed`: SPEEDS, and `speed` in its place when it is not one of them. */
export function speedMenu(speed: number): number[] {
  return SPEEDS.includes(speed) || !(speed > 0) ? [...SPEEDS] : [...SPEEDS, speed].sort((a, b) => a - b);
}

/**
 * Shows `speed` in the menu (speedMenu): a speed of the source's own (a testbed at 30×) was appended at the end,
 * "60×, 100×, 30×", and kept for the next source.
 */
function setSpeedValue(select: HTMLSelectElement, speed: number): void {
  const v = String(speed), menu = speedMenu(speed);
  if (select.options.length !== menu.length || menu.some((m, i) => select.options[i]!.value !== String(m))) {
    select.replaceChildren(...menu.map((m) => h('option', { value: m }, `${m}×`)));
  }
  if (select.value !== v) select.value = v;
}

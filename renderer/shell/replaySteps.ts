/**
 * The pure part of the timeline's step and jump-to-alert controls (TimelineBar): where a step
 * lands inside the replay range, which recorded alert is the previous / next one from the
 * current time, how the paused clock reads (tenths of a second, so a 0.1 s step shows), and the
 * step buttons' icons. Times are epoch ms.
 */
import type { Timeline } from '../../common/replay.js';
import { formatTime } from './formatTime.js';

export type AlertMark = Timeline['alerts'][number];

/** A step: 1 s; with Shift, 0.1 s. */
export const STEP_MS = 1000;
export const FINE_STEP_MS = 100;

/** The time a step of `deltaMs` from `now` lands on, clamped to `range`; null when `now` is unknown. */
export function stepTarget(now: number, deltaMs: number, range: { start: number; end: number } | null): number | null {
  if (!Number.isFinite(now) || !Number.isFinite(deltaMs)) return null;
  const to = now + deltaMs;
  if (!range) return to;
  return Math.min(range.end, Math.max(range.start, to));
}

/** Whether a step in the direction of `deltaMs` moves the clock at all (not already at that end). */
export function canStep(now: number, deltaMs: number, range: { start: number; end: number } | null): boolean {
  const to = stepTarget(now, deltaMs, range);
  return to !== null && to !== now;
}

/** Alerts ordered by time (stable for equal times), as the jump buttons need them. */
export function sortAlerts(alerts: readonly AlertMark[]): AlertMark[] {
  return alerts.map((a, i) => ({ a, i })).sort((x, y) => x.a.t - y.a.t || x.i - y.i).map((x) => x.a);
}

/** First index in `sorted` whose time is > t (binary search). */
function upperBound(sorted: readonly AlertMark[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in `sorted` whose time is ≥ t. */
function lowerBound(sorted: readonly AlertMark[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first alert raised strictly after `now` in a time-sorted list (one raised at `now` itself is
 * the current one: "next" moves on from it). Null when there is none or `now` is unknown.
 */
export function nextAlert(sorted: readonly AlertMark[], now: number): AlertMark | null {
  if (!Number.isFinite(now)) return null;
  return sorted[upperBound(sorted, now)] ?? null;
}

/**
 * The last alert raised strictly before `now` (of several at that same time, the first listed,
 * so that "next" from there walks through the others).
 */
export function previousAlert(sorted: readonly AlertMark[], now: number): AlertMark | null {
  if (!Number.isFinite(now)) return null;
  const i = lowerBound(sorted, now) - 1;
  if (i < 0) return null;
  return sorted[lowerBound(sorted, sorted[i]!.t)] ?? null;
}

/** "battery-low robot-07 at 10:42:13.0 (warning)": what a jump button goes to. */
export function describeAlert(a: AlertMark): string {
  return `${a.code} ${a.entity} at ${formatClock(a.t, false)} (${a.severity})${a.message ? ` — ${a.message}` : ''}`;
}

/**
 * The timeline clock: `formatTime`, plus tenths of a second when `tenths` (while paused, so a
 * step of 0.1 s is seen). Tenths are truncated like the seconds, so the text never runs ahead.
 */
export function formatClock(ms: number, withDate = true, tenths = true): string {
  const base = formatTime(ms, withDate);
  if (!tenths || !Number.isFinite(ms)) return base;
  const inSecond = ((ms % 1000) + 1000) % 1000;
  return `${base}.${Math.floor(inSecond / 100)}`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const GLYPHS = {
  // Frame back ◁| / frame forward |▷ as in video editors: the bar on the inside, unlike "back to start" |◀.
  stepBack: '<polygon points="14 6 5 12 14 18 14 6"/><path d="M19 5v14"/>',
  stepForward: '<polygon points="10 6 19 12 10 18 10 6"/><path d="M5 5v14"/>',
  // A warning triangle with an arrow to its left / right.
  alertPrev: '<path d="m7 9-4 3 4 3"/><path d="m15.7 5.2 5.9 10.3A1 1 0 0 1 20.7 17H9.3a1 1 0 0 1-.9-1.5l5.8-10.3a.9.9 0 0 1 1.5 0z"/><path d="M15 9.5v2.5M15 14.5h.01"/>',
  alertNext: '<path d="m17 9 4 3-4 3"/><path d="m9.8 5.2 5.9 10.3a1 1 0 0 1-.9 1.5H3.3a1 1 0 0 1-.9-1.5l5.8-10.3a.9.9 0 0 1 1.6 0z"/><path d="M9 9.5v2.5M9 14.5h.01"/>',
} as const;

/** An inline 24×24 stroke icon in the style of icon.ts, for the step and alert-jump buttons. */
export function stepIcon(name: keyof typeof GLYPHS, size = 16): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: size, height: size, fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' })) {
    svg.setAttribute(k, String(v));
  }
  svg.classList.add('icon', `icon-${name}`);
  // Static strings from GLYPHS above, never user input.
  svg.innerHTML = GLYPHS[name];
  return svg;
}

/** "at 6.8×" beside the speed a replay cannot keep up with (SourceStatus achievedSpeed), and why (hover). */
export function achievedSpeedText(achieved: number, chosen: number, live = false): { text: string; title: string } {
  const x = achieved >= 10 ? String(Math.round(achieved)) : achieved.toFixed(1);
  return {
    text: `at ${x}×`,
    title: live
      ? `Running at about ${x}× of the ${chosen}× chosen: the simulated testbed cannot keep up on this machine, so its data falls further behind the clock`
      : `Playing at about ${x}× of the ${chosen}× chosen: reading and decoding the recording cannot keep up on this machine`,
  };
}

/**
 * Mouse drawing of counting lines and zones in the plan view (issue 6): the DOM side of
 * `drawStep`. While drawing, the plan is in 'draw' interaction (crosshair, no double-click zoom);
 * a click is a pointer press and release within CLICK_PX (a longer drag still pans the plan);
 * double-click or Enter finishes a zone, Esc cancels, Backspace removes the last point. A hint
 * strip on the plan says what to do next; the shape in progress is drawn as a preview layer.
 */
import type { Layer } from '@deck.gl/core';
import { PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { PlanPoint } from '../../../common/buildingStructure.js';
import type { Disposable } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import type { PlanView } from '../../shell/WorkbenchContext.js';
import { drawStep, IDLE, type DrawEvent, type DrawKind, type DrawnShape, type DrawState } from './planDrawing.js';

/** A press and release closer than this (CSS px) is a click, not a pan. */
const CLICK_PX = 5;
const PREVIEW: [number, number, number, number] = [255, 200, 40, 230];

export class PlanDrawTool implements Disposable {
  private st: DrawState = IDLE;
  private down: { x: number; y: number } | null = null;
  private readonly hint: HTMLElement;
  private readonly listeners: [EventTarget, string, (e: Event) => void, boolean][] = [];

  constructor(
    private readonly plan: PlanView,
    private readonly onDone: (shape: DrawnShape) => void,
    private readonly onRefused: (message: string) => void,
  ) {
    this.hint = h('div.plan-draw-hint', {
      'data-testid': 'plan-draw-hint', hidden: true,
      style: 'position:absolute;left:50%;top:10px;transform:translateX(-50%);z-index:4;padding:4px 12px;border-radius:999px;background:rgba(17,20,26,.88);color:#eef1f6;font-size:12px;pointer-events:none;white-space:nowrap',
    });
    plan.dom.append(this.hint);
    const on = <E extends Event>(target: EventTarget, type: string, fn: (e: E) => void) => {
      const f = fn as (e: Event) => void;
      target.addEventListener(type, f, true);
      this.listeners.push([target, type, f, true]);
    };
    on<PointerEvent>(plan.dom, 'pointerdown', (e) => {
      if (this.st.mode === 'drawing' && e.button === 0) this.down = { x: e.clientX, y: e.clientY };
    });
    on<PointerEvent>(plan.dom, 'pointerup', (e) => {
      const d = this.down;
      this.down = null;
      if (this.st.mode !== 'drawing' || !d || e.button !== 0) return;
      if (Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_PX) return;
      const p = plan.unproject(e.clientX, e.clientY);
      if (p) this.dispatch({ type: 'click', point: p });
    });
    on<PointerEvent>(plan.dom, 'pointermove', (e) => {
      if (this.st.mode !== 'drawing' || e.buttons !== 0) return;
      const p = plan.unproject(e.clientX, e.clientY);
      if (p) this.dispatch({ type: 'move', point: p });
    });
    on<MouseEvent>(plan.dom, 'dblclick', (e) => {
      if (this.st.mode !== 'drawing') return;
      e.preventDefault();
      e.stopPropagation();
      this.dispatch({ type: 'finish' });
    });
    on<KeyboardEvent>(window, 'keydown', (e) => {
      if (this.st.mode !== 'drawing') return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return; // typing a name, not drawing
      const ev: DrawEvent | null = e.key === 'Escape' ? { type: 'cancel' } : e.key === 'Enter' ? { type: 'finish' } : e.key === 'Backspace' ? { type: 'undo' } : null;
      if (!ev) return;
      e.preventDefault();
      e.stopPropagation();
      this.dispatch(ev);
    });
  }

  get state(): DrawState {
    return this.st;
  }

  start(kind: DrawKind): void {
    this.dispatch({ type: 'start', kind });
  }

  cancel(): void {
    if (this.st.mode === 'drawing') this.dispatch({ type: 'cancel' });
  }

  /** The shape in progress (the plan view's provider). */
  layers(): Layer[] {
    const s = this.st;
    if (s.mode !== 'drawing' || s.points.length === 0) return [];
    const path: PlanPoint[] = s.cursor && s.points.length ? [...s.points, s.cursor] : s.points;
    const layers: Layer[] = [];
    if (s.kind === 'zone' && path.length >= 3) {
      layers.push(new PolygonLayer<PlanPoint[]>({ id: 'people-draw-zone', data: [path], getPolygon: (p) => p, filled: true, stroked: false, getFillColor: [80, 160, 255, 50] }));
    }
    layers.push(
      new PathLayer<PlanPoint[]>({ id: 'people-draw-path', data: [s.kind === 'zone' && path.length >= 3 ? [...path, path[0]!] : path], getPath: (p) => p, getColor: PREVIEW, widthUnits: 'pixels', getWidth: 3 }),
      new ScatterplotLayer<PlanPoint>({ id: 'people-draw-points', data: s.points, getPosition: (p) => p, getFillColor: PREVIEW, radiusUnits: 'pixels', getRadius: 5 }),
    );
    return layers;
  }

  dispose(): void {
    for (const [target, type, fn, capture] of this.listeners.splice(0)) target.removeEventListener(type, fn, capture);
    this.plan.setInteraction('navigate');
    this.hint.remove();
  }

  private dispatch(event: DrawEvent): void {
    const step = drawStep(this.st, event);
    this.st = step.state;
    this.plan.setInteraction(this.st.mode === 'drawing' ? 'draw' : 'navigate');
    this.renderHint();
    this.plan.requestRedraw();
    if (step.refused) this.onRefused(step.refused);
    if (step.done) this.onDone(step.done);
  }

  private renderHint(): void {
    const s = this.st;
    this.hint.hidden = s.mode !== 'drawing';
    if (s.mode !== 'drawing') return;
    this.hint.textContent = s.kind === 'line'
      ? s.points.length === 0 ? 'Draw line: click where it starts · Esc cancels' : 'Draw line: click where it ends · Esc cancels'
      : s.points.length < 3 ? `Draw zone: click the corners (${s.points.length} so far) · Esc cancels` : 'Draw zone: double-click or Enter to finish · Backspace removes a point · Esc cancels';
  }
}

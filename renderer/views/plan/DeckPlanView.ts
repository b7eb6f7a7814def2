/**
 * The 2D plan: deck.gl with an OrthographicView in building-frame metres (x east, y north —
 * `flipY: false`, so north is up), one storey at a time. Features contribute layers through
 * providers; the shell draws the grid, origin axes and a scale bar underneath, so an empty plan
 * still reads as a plan. Redraws are coalesced to one per animation frame.
 *
 * Interaction hooks for features: hover tooltips on pickable layers (`addTooltip`), client pixel →
 * building frame (`unproject`), and a 'draw' mode in which a pointer tool (e.g. the people
 * feature's line/zone drawing) owns clicks: crosshair cursor, double-click does not zoom.
 */
import { Deck, OrthographicView, type Layer, type OrthographicViewState, type PickingInfo } from '@deck.gl/core';
import type { Disposer } from '../../../common/source.js';
import type { PlanView } from '../../shell/WorkbenchContext.js';
import { h } from '../../shell/h.js';
import { planGridLayers, type PlanColors } from './planGridLayers.js';
import { scaleBar } from './scaleBar.js';
import { copyCanvas } from '../../shell/saveViewPng.js';

interface PlanViewState {
  target: [number, number, number];
  zoom: number;
}

/** A building-frame rectangle by its centre and size (m). */
interface WorldArea {
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** deck.gl's tooltip div, styled like the 3D view's hover label. */
const TOOLTIP_STYLE: Partial<CSSStyleDeclaration> = {
  background: 'rgba(17,20,26,.88)', color: '#eef1f6', fontSize: '12px', padding: '3px 8px', borderRadius: '6px',
  whiteSpace: 'pre', boxShadow: '0 2px 8px rgba(0,0,0,.3)', zIndex: '6',
};

const MIN_ZOOM = -4; // 1 px = 16 m
const MAX_ZOOM = 8; // 256 px per metre
/** Margin around a fitted rectangle, as a factor of its size. */
const FIT_MARGIN = 1.12;
/** How far inside the edge `reveal` brings a point, CSS px (at most a quarter of the view). */
const REVEAL_MARGIN_PX = 48;

export class DeckPlanView implements PlanView {
  readonly dom: HTMLElement;
  /** Why deck.gl could not start, or null. */
  error: string | null = null;
  private deck: Deck<OrthographicView> | null = null;
  private readonly providers = new Map<string, () => Layer[]>();
  private readonly tooltips = new Set<(info: PickingInfo) => string | null>();
  private interaction: 'navigate' | 'draw' = 'navigate';
  private viewState: PlanViewState = { target: [0, 0, 0], zoom: 2 };
  /**
   * The world area kept in view when the plan's size changes (window resize, panel drag, layout
   * switch): the last fitted rectangle, or, once the person has panned or zoomed, what they had in
   * view then. Before, the zoom stayed and a building fitted at 1440 px was cut off at 1024 px.
   */
  private keep: WorldArea | null = null;
  private width = 0;
  private height = 0;
  private colors: PlanColors;
  private readonly scaleLine: HTMLElement;
  private readonly scaleLabel: HTMLElement;
  private readonly message: HTMLElement;
  private redrawRequested = 0;
  private readonly resizeObserver: ResizeObserver;
  private disposed = false;

  constructor(host: HTMLElement, colors: PlanColors) {
    this.dom = host;
    this.colors = colors;
    this.scaleLine = h('div.scale-bar-line');
    this.scaleLabel = h('span.scale-bar-label');
    this.message = h('div.viewport-message', { hidden: true });
    host.append(h('div.scale-bar', { 'data-testid': 'scale-bar' }, this.scaleLine, this.scaleLabel), this.message);
    try {
      this.deck = new Deck<OrthographicView>({
        parent: host as HTMLDivElement,
        views: new OrthographicView({ id: 'plan', flipY: false }),
        viewState: this.fullViewState(),
        controller: this.controller(),
        layers: [],
        useDevicePixels: true,
        onViewStateChange: ({ viewState }) => {
          const vs = viewState as OrthographicViewState;
          this.viewState = { target: [vs.target?.[0] ?? 0, vs.target?.[1] ?? 0, 0], zoom: typeof vs.zoom === 'number' ? vs.zoom : this.viewState.zoom };
          this.keep = this.visibleArea();
          this.requestRedraw();
        },
        onError: (e) => this.fail(e.message),
        getCursor: ({ isDragging, isHovering }) => (this.interaction === 'draw' ? 'crosshair' : isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab'),
        getTooltip: (info) => this.tooltip(info),
      });
    } catch (e) {
      this.fail((e as Error).message);
    }
    this.resizeObserver = new ResizeObserver(() => this.resized());
    this.resizeObserver.observe(host);
    this.requestRedraw();
  }

  addLayers(id: string, provider: () => Layer[]): Disposer {
    if (this.providers.has(id)) throw new Error(`PlanView: layer provider "${id}" is already registered`);
    this.providers.set(id, provider);
    this.requestRedraw();
    return () => {
      if (this.providers.get(id) === provider) this.providers.delete(id);
      this.requestRedraw();
    };
  }

  addTooltip(provider: (info: PickingInfo) => string | null): () => void {
    this.tooltips.add(provider);
    return () => void this.tooltips.delete(provider);
  }

  unproject(clientX: number, clientY: number): [number, number] | null {
    if (!this.deck) return null;
    const rect = this.dom.getBoundingClientRect();
    const vp = this.deck.getViewports()[0];
    if (!vp) return null;
    const p = vp.unproject([clientX - rect.left, clientY - rect.top]);
    return Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0]!, p[1]!] : null;
  }

  setInteraction(mode: 'navigate' | 'draw'): void {
    if (mode === this.interaction) return;
    this.interaction = mode;
    this.deck?.setProps({ controller: this.controller() });
    this.requestRedraw();
  }

  requestRedraw(): void {
    if (this.disposed || this.redrawRequested) return;
    this.redrawRequested = requestAnimationFrame(() => {
      this.redrawRequested = 0;
      this.redraw();
    });
  }

  /**
   * What the plan shows now, as a 2D copy at the canvas's pixel size: applies pending layers,
   * forces a synchronous deck.gl draw and copies in the same task (a WebGL canvas read later is
   * blank). Null when deck.gl did not start.
   */
  capture(): HTMLCanvasElement | null {
    if (!this.deck || this.disposed) return null;
    if (this.redrawRequested) {
      cancelAnimationFrame(this.redrawRequested);
      this.redrawRequested = 0;
    }
    this.redraw();
    this.deck.redraw('capture');
    const canvas = this.deck.getCanvas();
    return canvas ? copyCanvas(canvas) : null;
  }

  fitBounds(minX: number, minY: number, maxX: number, maxY: number): void {
    this.keep = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, w: Math.max(maxX - minX, 1) * FIT_MARGIN, h: Math.max(maxY - minY, 1) * FIT_MARGIN };
    this.show(this.keep);
  }

  reveal(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const w = this.dom.clientWidth, hgt = this.dom.clientHeight;
    if (w === 0 || hgt === 0) {
      // Hidden (3D-only layout): centre the kept area on the point for when the plan shows again.
      if (this.keep) this.show({ ...this.keep, cx: x, cy: y });
      else this.viewState = { ...this.viewState, target: [x, y, 0] };
      return;
    }
    const scale = 2 ** this.viewState.zoom;
    // Half the view less the margin, in metres: the point ends up that far inside the nearer edge.
    const hx = Math.max(0, w / 2 - Math.min(REVEAL_MARGIN_PX, w / 4)) / scale;
    const hy = Math.max(0, hgt / 2 - Math.min(REVEAL_MARGIN_PX, hgt / 4)) / scale;
    const [cx, cy] = this.viewState.target;
    const nx = x < cx - hx ? x + hx : x > cx + hx ? x - hx : cx;
    const ny = y < cy - hy ? y + hy : y > cy + hy ? y - hy : cy;
    if (nx === cx && ny === cy) return;
    this.viewState = { target: [nx, ny, 0], zoom: this.viewState.zoom };
    this.keep = this.visibleArea();
    this.requestRedraw();
  }

  setColors(colors: PlanColors): void {
    this.colors = colors;
    this.requestRedraw();
  }

  dispose(): void {
    this.disposed = true;
    if (this.redrawRequested) cancelAnimationFrame(this.redrawRequested);
    this.resizeObserver.disconnect();
    this.providers.clear();
    this.deck?.finalize();
    this.deck = null;
  }

  private controller() {
    return { dragRotate: false, inertia: true, doubleClickZoom: this.interaction === 'navigate' };
  }

  private tooltip(info: PickingInfo): { text: string; style: Partial<CSSStyleDeclaration> } | null {
    if (!info.picked || this.interaction === 'draw') return null;
    for (const provider of this.tooltips) {
      try {
        const text = provider(info);
        if (text) return { text, style: TOOLTIP_STYLE };
      } catch (e) {
        console.error('PlanView: tooltip provider failed:', e);
      }
    }
    return null;
  }

  /** Fits `area` into the plan's current size (kept for later if the plan is hidden now). */
  private show(area: WorldArea): void {
    const w = this.dom.clientWidth, hgt = this.dom.clientHeight;
    const zoom = w > 0 && hgt > 0 ? Math.log2(Math.min(w / area.w, hgt / area.h)) : this.viewState.zoom;
    this.viewState = { target: [area.cx, area.cy, 0], zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom)) };
    this.requestRedraw();
  }

  /** What the plan shows now, in metres; null while it has no size. */
  private visibleArea(): WorldArea | null {
    const w = this.dom.clientWidth, hgt = this.dom.clientHeight;
    if (w === 0 || hgt === 0) return this.keep;
    const scale = 2 ** this.viewState.zoom;
    return { cx: this.viewState.target[0], cy: this.viewState.target[1], w: w / scale, h: hgt / scale };
  }

  /** The plan's size changed: the same world area stays in view (see `keep`). */
  private resized(): void {
    const w = this.dom.clientWidth, hgt = this.dom.clientHeight;
    if (w === this.width && hgt === this.height) return;
    this.width = w;
    this.height = hgt;
    if (this.keep && w > 0 && hgt > 0) this.show(this.keep);
    else this.requestRedraw();
  }

  private fullViewState(): OrthographicViewState {
    return { ...this.viewState, minZoom: MIN_ZOOM, maxZoom: MAX_ZOOM };
  }

  private redraw(): void {
    if (this.disposed) return;
    const w = this.dom.clientWidth;
    const hgt = this.dom.clientHeight;
    const bar = scaleBar(2 ** this.viewState.zoom);
    this.scaleLine.style.width = `${Math.round(bar.px)}px`;
    this.scaleLabel.textContent = bar.label;
    if (!this.deck || w === 0 || hgt === 0) return;
    const layers: Layer[] = planGridLayers([this.viewState.target[0], this.viewState.target[1]], this.viewState.zoom, w, hgt, this.colors);
    const drawn: string[] = [];
    for (const [id, provider] of this.providers) {
      try {
        const more = provider();
        if (more.length) drawn.push(id);
        layers.push(...more);
      } catch (e) {
        console.error(`PlanView: layer provider "${id}" failed:`, e);
      }
    }
    // Which providers drew something (e.g. "structure entities"): what tests and a curious user can read off the element.
    this.dom.dataset.layers = drawn.join(' ');
    // The view: centre x, y (m) and zoom (log2 of CSS px per metre), for tests and the curious.
    this.dom.dataset.view = `${this.viewState.target[0].toFixed(2)} ${this.viewState.target[1].toFixed(2)} ${this.viewState.zoom.toFixed(3)}`;
    this.deck.setProps({ layers, viewState: this.fullViewState() });
  }

  private fail(message: string): void {
    this.error = message;
    this.message.hidden = false;
    this.message.replaceChildren(h('strong', {}, 'The plan needs WebGL2'), h('span', {}, message));
  }
}

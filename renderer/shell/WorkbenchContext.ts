/**
 * What the shell hands to each feature module (renderer/features/<name>/index.ts).
 *
 * A feature is activated once at start-up with `activate(ctx)` and returns a Disposable that
 * undoes everything it registered. Features never reach into each other's DOM: they register
 * panels, commands, plan layers and 3D objects through this context, and share state through
 * the zustand stores in renderer/stores/.
 *
 * Frames: the building frame is metres, x east, y north, z up; three.js is y-up. Convert only at
 * the view boundary with `toThree` / `fromThree` (renderer/shell/buildingFrame.ts).
 */
import type * as THREE from 'three';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { ApiClient } from '../api/ApiClient.js';
import type { Disposable, Disposer } from '../../common/source.js';
import type { ToastHandle } from './Toasts.js';

export type { ToastHandle } from './Toasts.js';

export interface Viewport3D {
  readonly scene: THREE.Scene;
  readonly camera: THREE.PerspectiveCamera;
  readonly renderer: THREE.WebGLRenderer;
  readonly dom: HTMLElement;
  /** Ask for a redraw on the next animation frame (rendering is on demand). */
  requestRender(): void;
  /** Called before each rendered frame with the elapsed ms; return true to keep animating. */
  onBeforeRender(cb: (dtMs: number) => boolean | void): Disposer;
  /** Click (not drag) in the viewport: normalised device coordinates and a ready raycaster. */
  onPick(cb: (hit: { ndc: THREE.Vector2; raycaster: THREE.Raycaster; event: MouseEvent }) => void): Disposer;
  /** Frame the camera on a box (three.js coordinates). */
  fitTo(box: THREE.Box3): void;
  /** Global clipping planes (section plane). */
  setClippingPlanes(planes: THREE.Plane[]): void;
}

/** Plan view (deck.gl OrthographicView, building-frame x/y in metres, one storey at a time). */
export interface PlanView {
  /** A provider returns the deck.gl layers it wants drawn now; called on each redraw, in registration order. */
  addLayers(id: string, provider: () => Layer[]): Disposer;
  requestRedraw(): void;
  /** Fit the view to a building-frame rectangle. */
  fitBounds(minX: number, minY: number, maxX: number, maxY: number): void;
  /** Pan (zoom unchanged) just enough to bring a building-frame point inside the view; nothing if it is in view. */
  reveal(x: number, y: number): void;
  /** The plan's host element (pointer tools listen on it). */
  readonly dom: HTMLElement;
  /** Building-frame [x, y] (m) under a client-pixel position; null before the first draw. */
  unproject(clientX: number, clientY: number): [number, number] | null;
  /** Hover text for a picked object of a pickable layer (first provider answering non-null wins). */
  addTooltip(provider: (info: PickingInfo) => string | null): Disposer;
  /** 'draw': a pointer tool owns clicks (crosshair cursor, no double-click zoom); 'navigate': default. */
  setInteraction(mode: 'navigate' | 'draw'): void;
}

export type PanelSide = 'left' | 'right' | 'bottom';

export interface PanelSpec {
  id: string;
  title: string;
  side: PanelSide;
  /** Lower comes first among tabs of the same side. */
  order: number;
  /** Build the panel's DOM inside `el`; dispose when the panel is removed. */
  mount(el: HTMLElement): Disposable;
}

export interface CommandSpec {
  id: string;
  title: string;
  /** e.g. "Ctrl+O", "F", "Shift+D" — shown in menus and the shortcuts help. */
  key?: string;
  run(arg?: string): void | Promise<void>;
}

export interface WorkbenchContext {
  readonly api: ApiClient;
  readonly viewport: Viewport3D;
  readonly plan: PlanView;
  registerPanel(panel: PanelSpec): Disposer;
  /** Bring a panel's tab to the front (e.g. alert click → inspector). */
  showPanel(id: string): void;
  registerCommand(command: CommandSpec): Disposer;
  runCommand(id: string, arg?: string): Promise<void>;
  /**
   * A toast in the corner; errors stay until dismissed — by the person, or by the caller through
   * the returned handle once the condition it reports has cleared.
   */
  notify(level: 'info' | 'warn' | 'error', message: string): ToastHandle;
  /**
   * Status-bar item on the right; returns a setter for its text. `keep`: how much it matters when
   * the bar is too narrow for every item (lower is hidden first; default 60, the built-in entity
   * and people counts 50, the fps 10).
   */
  addStatusItem(id: string, order: number, keep?: number): { set(text: string, title?: string): void; dispose(): void };
}

export interface Feature {
  readonly id: string;
  activate(ctx: WorkbenchContext): Disposable;
}

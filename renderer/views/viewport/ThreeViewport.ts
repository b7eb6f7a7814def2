/**
 * The 3D view: a three.js scene in the building's frame (see shell/buildingFrame.ts), rendered
 * on demand — a frame is drawn only when something asks (`requestRender`), a camera move is in
 * progress, or a before-render callback asks to keep animating — so an idle workbench costs no GPU.
 *
 * Holds: WebGLRenderer (antialias), perspective camera, OrbitControls (left drag orbit, right drag
 * pan, wheel zoom), a ground grid (1 m minor, 10 m major), lights, and a north arrow overlay that
 * turns with the camera. Without WebGL it shows a clear message and keeps the rest of the app usable.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Disposer } from '../../../common/source.js';
import type { Viewport3D } from '../../shell/WorkbenchContext.js';
import { toThree } from '../../shell/buildingFrame.js';
import { ListenerSet } from '../../api/ListenerSet.js';
import { h } from '../../shell/h.js';
import { NorthArrow } from './NorthArrow.js';
import { copyCanvas } from '../../shell/saveViewPng.js';

export interface ViewportColors {
  background: string;
  gridMajor: string;
  gridMinor: string;
}

/** Pointer travel (CSS px) under which a press-release counts as a click, not a drag. */
const CLICK_SLOP_PX = 4;
/** Ground grid extent, metres. */
const GRID_SIZE_M = 240;

export class WebGLUnavailableError extends Error {
  override readonly name = 'WebGLUnavailableError';
}

export class ThreeViewport implements Viewport3D {
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(45, 1, 0.1, 5000);
  readonly dom: HTMLElement;
  /** Why WebGL could not start, or null when it runs. */
  readonly webglError: string | null;
  private readonly gl: THREE.WebGLRenderer | null;
  private readonly controls: OrbitControls | null;
  /** Grid and lights: part of the scene, not of the building (excluded from fit). */
  private readonly helpers = new THREE.Group();
  private gridMajor: THREE.GridHelper | null = null;
  private gridMinor: THREE.GridHelper | null = null;
  private readonly northArrow = new NorthArrow();
  private readonly beforeRender = new ListenerSet<{ dt: number; keep: { value: boolean } }>();
  private readonly picks = new ListenerSet<{ ndc: THREE.Vector2; raycaster: THREE.Raycaster; event: MouseEvent }>();
  private readonly resizeObserver: ResizeObserver;
  /** A fit asked for while the view had no size, done when it gets one (see fitTo). */
  private pendingFit: THREE.Box3 | null = null;
  private frameRequested = 0;
  private lastFrame = 0;
  private readonly frameTimes: number[] = [];
  private down: { x: number; y: number } | null = null;
  private disposed = false;

  constructor(host: HTMLElement) {
    this.dom = host;
    this.scene.name = 'workbench';
    this.helpers.name = 'workbench-helpers';
    this.helpers.userData.helper = true;
    this.scene.add(this.helpers);
    this.camera.position.copy(toThree(-45, -70, 55));
    this.camera.lookAt(0, 0, 0);

    let gl: THREE.WebGLRenderer | null = null;
    let err: string | null = null;
    try {
      gl = new THREE.WebGLRenderer({ antialias: true, powerPreference: 'high-performance' });
    } catch (e) {
      err = (e as Error).message || 'WebGL could not be created';
    }
    this.gl = gl;
    this.webglError = err;

    if (gl) {
      gl.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
      gl.outputColorSpace = THREE.SRGBColorSpace;
      gl.domElement.classList.add('viewport-canvas');
      host.append(gl.domElement);
      const controls = new OrbitControls(this.camera, gl.domElement);
      controls.enableDamping = true;
      controls.dampingFactor = 0.15;
      controls.screenSpacePanning = true;
      controls.maxPolarAngle = Math.PI * 0.495; // stay above the ground plane
      controls.addEventListener('change', () => this.requestRender());
      this.controls = controls;
      gl.domElement.addEventListener('pointerdown', this.onPointerDown);
      gl.domElement.addEventListener('pointerup', this.onPointerUp);
      this.buildHelpers();
    } else {
      this.controls = null;
      host.append(
        h('div.viewport-message', { role: 'status' },
          h('strong', {}, '3D needs WebGL'),
          h('span', {}, `This browser could not start WebGL (${err}). The plan view, panels and telemetry still work.`)),
      );
    }
    host.append(this.northArrow.dom);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(host);
    this.resize();
  }

  get renderer(): THREE.WebGLRenderer {
    if (!this.gl) throw new WebGLUnavailableError(`Viewport3D: WebGL is not available (${this.webglError})`);
    return this.gl;
  }

  requestRender(): void {
    if (this.disposed || this.frameRequested || !this.gl) return;
    this.frameRequested = requestAnimationFrame(this.frame);
  }

  onBeforeRender(cb: (dtMs: number) => boolean | void): Disposer {
    const off = this.beforeRender.add(({ dt, keep }) => {
      if (cb(dt) === true) keep.value = true;
    });
    this.requestRender();
    return off;
  }

  onPick(cb: (hit: { ndc: THREE.Vector2; raycaster: THREE.Raycaster; event: MouseEvent }) => void): Disposer {
    return this.picks.add(cb);
  }

  fitTo(box: THREE.Box3): void {
    if (box.isEmpty()) return;
    // Hidden (the Plan layout gives the 3D view no width): its shape is unknown, and framing a 1-pixel-wide view put
    // the camera so far off that a model opened in Plan showed as a speck in 3D. Frame it when the view is shown.
    if (this.dom.clientWidth === 0 || this.dom.clientHeight === 0) { this.pendingFit = box.clone(); return; }
    this.pendingFit = null;
    const sphere = box.getBoundingSphere(new THREE.Sphere());
    const radius = Math.max(sphere.radius, 1);
    const fov = THREE.MathUtils.degToRad(this.camera.fov);
    const fitFov = this.camera.aspect < 1 ? 2 * Math.atan(Math.tan(fov / 2) * this.camera.aspect) : fov;
    const distance = (radius / Math.sin(fitFov / 2)) * 1.05;
    const target = this.controls?.target ?? new THREE.Vector3();
    const dir = this.camera.position.clone().sub(target);
    if (dir.lengthSq() < 1e-9) dir.copy(toThree(-0.5, -0.8, 0.6));
    dir.normalize();
    target.copy(sphere.center);
    this.camera.position.copy(sphere.center).addScaledVector(dir, distance);
    this.camera.near = Math.max(0.05, distance / 500);
    this.camera.far = Math.max(2000, distance * 20);
    this.camera.updateProjectionMatrix();
    this.controls?.update();
    this.requestRender();
  }

  /** Bounds of everything visible in the scene except the grid and lights (three.js coordinates; empty when nothing). */
  contentBox(): THREE.Box3 {
    const box = new THREE.Box3();
    for (const child of this.scene.children) {
      if (child === this.helpers || !child.visible) continue;
      box.expandByObject(child);
    }
    return box;
  }

  /**
   * Puts the ground grid just under `y` (three.js up, metres): under the lowest slab of a loaded
   * building, so site and ground-floor surfaces hide it instead of showing it through.
   */
  setGroundLevel(y: number): void {
    if (!this.gridMinor || !this.gridMajor || !Number.isFinite(y)) return;
    this.gridMinor.position.y = y - 0.05;
    this.gridMajor.position.y = y - 0.045;
    this.requestRender();
  }

  /** Fit everything in the scene except the grid and lights; an empty scene frames the grid centre. */
  fitAll(): void {
    const box = this.contentBox();
    if (box.isEmpty()) box.setFromCenterAndSize(new THREE.Vector3(0, 5, 0), new THREE.Vector3(60, 10, 60));
    this.fitTo(box);
  }

  setClippingPlanes(planes: THREE.Plane[]): void {
    if (!this.gl) return;
    this.gl.clippingPlanes = planes;
    this.requestRender();
  }

  setColors(c: ViewportColors): void {
    this.scene.background = new THREE.Color(c.background);
    if (this.gridMajor && this.gridMinor) {
      (this.gridMajor.material as THREE.LineBasicMaterial).color.set(c.gridMajor);
      (this.gridMinor.material as THREE.LineBasicMaterial).color.set(c.gridMinor);
      // GridHelper uses vertex colours; switch them off so the material colour applies.
      (this.gridMajor.material as THREE.LineBasicMaterial).vertexColors = false;
      (this.gridMinor.material as THREE.LineBasicMaterial).vertexColors = false;
      (this.gridMajor.material as THREE.LineBasicMaterial).needsUpdate = true;
      (this.gridMinor.material as THREE.LineBasicMaterial).needsUpdate = true;
    }
    this.requestRender();
  }

  /**
   * What the view shows now, as a 2D copy at the canvas's pixel size: draws synchronously and
   * copies in the same task (the canvas has no preserveDrawingBuffer). Null without WebGL.
   */
  capture(): HTMLCanvasElement | null {
    if (!this.gl || this.disposed) return null;
    this.gl.render(this.scene, this.camera);
    return copyCanvas(this.gl.domElement);
  }

  /** Frames actually drawn in the last second (0 when idle: rendering is on demand). */
  fps(now = performance.now()): number {
    while (this.frameTimes.length && this.frameTimes[0]! < now - 1000) this.frameTimes.shift();
    return this.frameTimes.length;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frameRequested) cancelAnimationFrame(this.frameRequested);
    this.resizeObserver.disconnect();
    this.beforeRender.clear();
    this.picks.clear();
    this.controls?.dispose();
    this.helpers.traverse((o) => {
      if (o instanceof THREE.LineSegments) {
        o.geometry.dispose();
        (o.material as THREE.Material).dispose();
      }
    });
    if (this.gl) {
      this.gl.domElement.removeEventListener('pointerdown', this.onPointerDown);
      this.gl.domElement.removeEventListener('pointerup', this.onPointerUp);
      this.gl.dispose();
      this.gl.domElement.remove();
    }
    this.northArrow.dom.remove();
  }

  private buildHelpers(): void {
    this.gridMinor = new THREE.GridHelper(GRID_SIZE_M, GRID_SIZE_M);
    this.gridMajor = new THREE.GridHelper(GRID_SIZE_M, GRID_SIZE_M / 10);
    for (const g of [this.gridMinor, this.gridMajor]) {
      const m = g.material as THREE.LineBasicMaterial;
      m.transparent = true;
      m.depthWrite = false;
      g.renderOrder = -1;
    }
    (this.gridMinor.material as THREE.LineBasicMaterial).opacity = 0.35;
    (this.gridMajor.material as THREE.LineBasicMaterial).opacity = 0.9;
    // Just below ground level: a building's ground slab at z = 0 covers the grid instead of z-fighting with it.
    this.gridMinor.position.y = -0.03;
    this.gridMajor.position.y = -0.025;
    const hemi = new THREE.HemisphereLight(0xf4f7ff, 0x4a4f5a, 1.6);
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.copy(toThree(-60, -40, 120)); // from the south-west, high
    this.helpers.add(this.gridMinor, this.gridMajor, hemi, sun);
  }

  private resize(): void {
    const w = Math.max(1, this.dom.clientWidth);
    const hgt = Math.max(1, this.dom.clientHeight);
    this.camera.aspect = w / hgt;
    this.camera.updateProjectionMatrix();
    this.gl?.setSize(w, hgt, false);
    this.requestRender();
    if (this.pendingFit && this.dom.clientWidth > 0 && this.dom.clientHeight > 0) this.fitTo(this.pendingFit);
  }

  private readonly frame = (now: number): void => {
    this.frameRequested = 0;
    if (this.disposed || !this.gl) return;
    const dt = this.lastFrame ? Math.min(now - this.lastFrame, 1000) : 16;
    this.lastFrame = now;
    const keep = { value: false };
    this.beforeRender.fire({ dt, keep });
    const moving = this.controls?.update(dt / 1000) ?? false;
    this.gl.render(this.scene, this.camera);
    this.frameTimes.push(now);
    if (this.controls) this.northArrow.setAzimuth(this.controls.getAzimuthalAngle());
    if (keep.value || moving) this.requestRender();
    else this.lastFrame = 0;
  };

  private readonly onPointerDown = (e: PointerEvent): void => {
    this.down = { x: e.clientX, y: e.clientY };
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    const d = this.down;
    this.down = null;
    if (!d || e.button !== 0 || Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_SLOP_PX || this.picks.size === 0) return;
    const rect = (e.target as HTMLElement).getBoundingClientRect();
    const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
    const raycaster = new THREE.Raycaster();
    raycaster.setFromCamera(ndc, this.camera);
    this.picks.fire({ ndc, raycaster, event: e });
  };
}

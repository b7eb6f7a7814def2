/**
 * The live entities in the plan view (deck.gl, building-frame metres, one storey): robots, the
 * bus, sensors as a ScatterplotLayer with binary attributes (position, fill = type colour, outline
 * = condition badge), a LineLayer of heading ticks, the people as a second ScatterplotLayer, and
 * a ring around the selected entity. Columns live in reused typed arrays; per telemetry frame
 * (`sync`) only the changed slots' rows are rewritten; the provider only wraps them in layers.
 */
import type { Layer, PickingInfo } from '@deck.gl/core';
import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import { KIND_BUS, KIND_SENSOR, type EntityTable, type PeopleTable } from '../../stores/entitiesStore.js';
import { BADGE_COLOURS, badgeOf, entityColour } from './entityStyle.js';

/** deck.gl's binary data form: a length and typed-array attributes (no per-row objects). */
/** Outline of an entity without a badge (RGB). */
const OUTLINE = [20, 24, 30] as const;

type BinaryData = { length: number; attributes: Record<string, { value: Float32Array | Uint8Array; size: number; normalized?: boolean }> };

export class EntityPlanLayers {
  private n = 0;
  private slots = new Int32Array(0);
  private pos = new Float32Array(0);
  private fill = new Uint8Array(0);
  private line = new Uint8Array(0);
  private radius = new Float32Array(0);
  private tickFrom = new Float32Array(0);
  private tickTo = new Float32Array(0);
  private people = 0;
  private peoplePos = new Float32Array(0);
  private version = 0;
  /** Data objects rebuilt once per sync, so pans and zooms of the plan do not re-upload attributes. */
  private data: { people: BinaryData; ticks: BinaryData; entities: BinaryData } | null = null;
  private selected: [number, number] | null = null;
  /** Per table slot: its plan row, -1 when not drawn. */
  private indexOf = new Int32Array(0);
  /** Storey, table structure and people revision the columns were last built for. */
  private floor: string | null | undefined = undefined;
  private structure = -1;
  private peopleRevision = -1;

  constructor(
    private readonly table: EntityTable,
    private readonly peopleTable: PeopleTable,
    private readonly onSelect: (slot: number) => void,
  ) {}

  /**
   * Updates the columns for the storey shown (`floor` label, or null for all): in place for the
   * table's dirty slots; all of them only when entities came or went, the storey changed, or a
   * changed entity moved on / off the storey (or lost / got its position).
   */
  sync(floor: string | null, selectedSlot: number): void {
    const t = this.table;
    let full = floor !== this.floor || t.structure !== this.structure;
    if (this.slots.length < t.count) {
      const n = Math.max(64, t.count * 2);
      this.slots = new Int32Array(n); this.pos = new Float32Array(n * 2); this.fill = new Uint8Array(n * 4);
      this.line = new Uint8Array(n * 4); this.radius = new Float32Array(n);
      this.tickFrom = new Float32Array(n * 2); this.tickTo = new Float32Array(n * 2);
      full = true;
    }
    if (this.indexOf.length < t.capacity) { this.indexOf = new Int32Array(t.capacity); full = true; }
    if (!full) {
      for (let d = 0; d < t.dirtyCount; d++) {
        const s = t.dirty[d]!;
        if (s < t.count && this.drawable(s, floor) !== this.indexOf[s]! >= 0) { full = true; break; }
      }
    }
    if (full) {
      this.floor = floor;
      this.structure = t.structure;
      let k = 0;
      for (let s = 0; s < t.count; s++) {
        this.indexOf[s] = -1;
        if (!this.drawable(s, floor)) continue;
        this.slots[k] = s;
        this.indexOf[s] = k;
        this.write(s, k);
        k++;
      }
      this.n = k;
    } else {
      for (let d = 0; d < t.dirtyCount; d++) {
        const s = t.dirty[d]!;
        const k = s < t.count ? this.indexOf[s]! : -1;
        if (k >= 0) this.write(s, k);
      }
    }
    this.selected = selectedSlot >= 0 && selectedSlot < t.count && this.indexOf[selectedSlot]! >= 0 ? [t.x[selectedSlot]!, t.y[selectedSlot]!] : null;
    const p = this.peopleTable;
    if (full || p.revision !== this.peopleRevision) {
      this.peopleRevision = p.revision;
      if (this.peoplePos.length < p.count * 2) this.peoplePos = new Float32Array(Math.max(512, p.capacity * 2));
      let m = 0;
      for (let s = 0; s < p.count; s++) {
        const f = p.floor[s]!;
        if (floor !== null && f >= 0 && t.floors[f] !== floor) continue;
        if (Number.isNaN(p.x[s]!) || Number.isNaN(p.y[s]!)) continue;
        this.peoplePos[2 * m] = p.x[s]!; this.peoplePos[2 * m + 1] = p.y[s]!;
        m++;
      }
      this.people = m;
    }
    this.version++;
    this.data = {
      people: { length: this.people, attributes: { getPosition: { value: this.peoplePos, size: 2 } } },
      ticks: { length: this.n, attributes: { getSourcePosition: { value: this.tickFrom, size: 2 }, getTargetPosition: { value: this.tickTo, size: 2 } } },
      entities: {
        length: this.n,
        attributes: {
          getPosition: { value: this.pos, size: 2 },
          getFillColor: { value: this.fill, size: 4, normalized: true },
          getLineColor: { value: this.line, size: 4, normalized: true },
          getRadius: { value: this.radius, size: 1 },
        },
      },
    };
  }

  /** On the shown storey (or without a floor) and placed. */
  private drawable(s: number, floor: string | null): boolean {
    const t = this.table;
    const f = t.floor[s]!;
    if (floor !== null && f >= 0 && t.floors[f] !== floor) return false;
    return !Number.isNaN(t.x[s]!) && !Number.isNaN(t.y[s]!);
  }

  /** Slot s's position, colours, radius and heading tick into plan row k. */
  private write(s: number, k: number): void {
    const t = this.table;
    const x = t.x[s]!, y = t.y[s]!;
    this.pos[2 * k] = x; this.pos[2 * k + 1] = y;
    const [r, g, b] = entityColour(t, s);
    this.fill[4 * k] = r; this.fill[4 * k + 1] = g; this.fill[4 * k + 2] = b; this.fill[4 * k + 3] = 235;
    const badge = badgeOf(t, s);
    const c = badge ? BADGE_COLOURS[badge] : OUTLINE;
    this.line[4 * k] = c[0]; this.line[4 * k + 1] = c[1]; this.line[4 * k + 2] = c[2]; this.line[4 * k + 3] = badge ? 255 : 200;
    const kind = t.kind[s]!;
    const rad = kind === KIND_BUS ? 2.2 : kind === KIND_SENSOR ? 0.3 : 0.5;
    this.radius[k] = rad;
    const h = (t.heading[s]! * Math.PI) / 180;
    this.tickFrom[2 * k] = x; this.tickFrom[2 * k + 1] = y;
    const len = kind === KIND_SENSOR || Number.isNaN(h) ? 0 : rad * 1.9;
    this.tickTo[2 * k] = x + Math.sin(h) * len; this.tickTo[2 * k + 1] = y + Math.cos(h) * len;
  }

  /** The layers for the current columns (the plan view's provider). */
  layers(): Layer[] {
    const v = this.version;
    const data = this.data;
    if (!data) return [];
    const layers: Layer[] = [
      new ScatterplotLayer({
        id: 'entities-people',
        data: data.people,
        getFillColor: [255, 159, 28, 200],
        getRadius: 0.25,
        radiusUnits: 'meters',
        radiusMinPixels: 1.5,
        updateTriggers: { getPosition: v },
      }),
      new LineLayer({
        id: 'entities-heading',
        data: data.ticks,
        getColor: [235, 240, 248, 220],
        getWidth: 2,
        widthUnits: 'pixels',
        updateTriggers: { getSourcePosition: v, getTargetPosition: v },
      }),
      new ScatterplotLayer({
        id: 'entities',
        data: data.entities,
        radiusUnits: 'meters',
        radiusMinPixels: 3,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 90],
        onClick: (info: PickingInfo) => {
          if (info.index >= 0 && info.index < this.n) this.onSelect(this.slots[info.index]!);
          return true;
        },
        updateTriggers: { getPosition: v, getFillColor: v, getLineColor: v, getRadius: v },
      }),
    ];
    if (this.selected) {
      layers.push(new ScatterplotLayer({
        id: 'entities-selected',
        data: [this.selected],
        getPosition: (d: [number, number]) => d,
        getRadius: 1.2,
        radiusUnits: 'meters',
        radiusMinPixels: 9,
        filled: false,
        stroked: true,
        getLineColor: [79, 195, 247, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 2.5,
        updateTriggers: { getPosition: v },
      }));
    }
    return layers;
  }

  /** Table slot of the entity drawn at plan index i (tests, picking). */
  slotAt(i: number): number {
    return i >= 0 && i < this.n ? this.slots[i]! : -1;
  }

  get drawn(): number {
    return this.n;
  }
}

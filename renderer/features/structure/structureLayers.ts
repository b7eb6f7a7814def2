/**
 * The walkable overlay of one storey in the plan view (deck.gl, building-frame metres): what the
 * simulation and people flow walk on.
 *  - walkable area: a translucent green PolygonLayer of the storey's walkable multipolygon, holes
 *    (walls, columns, furniture cut at body height) left open;
 *  - spaces: outlined, pickable (hover: the room's name and area);
 *  - stairs: hatched-looking amber footprints (drawn on both storeys they connect);
 *  - doors: short bars across the opening, exits green and thicker, others white (hover: name,
 *    width, exit or not).
 * Layer data are built once per (structure, storey) and reused across redraws. With the overlay off the plan
 * keeps the storey's plain drawing (outline, rooms, stairs, doors in neutral lines, nothing picked): it went empty,
 * people and robots floating on a bare grid.
 */
import type { Layer, PickingInfo } from '@deck.gl/core';
import { PathLayer, PolygonLayer } from '@deck.gl/layers';
import type { BuildingStructure, PlanPoint, PlanPolygon, StructureDoor, StructureSpace, StructureStair } from '../../../common/buildingStructure.js';

const WALKABLE_FILL: [number, number, number, number] = [76, 175, 80, 70];
const WALKABLE_LINE: [number, number, number, number] = [76, 175, 80, 200];
const SPACE_LINE: [number, number, number, number] = [200, 210, 225, 120];
const STAIR_FILL: [number, number, number, number] = [255, 183, 77, 80];
const STAIR_LINE: [number, number, number, number] = [255, 183, 77, 230];
const DOOR_COLOUR: [number, number, number, number] = [235, 240, 248, 230];
const EXIT_COLOUR: [number, number, number, number] = [0, 230, 118, 255];
/** The plain plan (overlay off). */
const PLAIN_LINE: [number, number, number, number] = [170, 180, 195, 170];
const NONE: [number, number, number, number] = [0, 0, 0, 0];

export interface SpacePart {
  space: StructureSpace;
  polygon: PlanPolygon;
}

export interface DoorBar {
  door: StructureDoor;
  path: [PlanPoint, PlanPoint];
}

/** The overlay's data for one storey (pure: unit-tested without WebGL). */
export interface StoreyOverlay {
  storey: number;
  walkable: PlanPolygon[];
  spaces: SpacePart[];
  doors: DoorBar[];
  stairs: StructureStair[];
}

export function storeyOverlay(s: BuildingStructure, storey: number): StoreyOverlay {
  const st = s.storeys.find((x) => x.index === storey);
  const spaces: SpacePart[] = [];
  for (const sp of s.spaces) if (sp.storey === storey) for (const polygon of sp.footprint) spaces.push({ space: sp, polygon });
  const doors: DoorBar[] = s.doors
    .filter((d) => d.storey === storey)
    .map((d) => {
      const half = Math.max(d.width, 0.3) / 2;
      return { door: d, path: [[d.x - d.direction[0] * half, d.y - d.direction[1] * half], [d.x + d.direction[0] * half, d.y + d.direction[1] * half]] };
    });
  return {
    storey,
    walkable: st ? st.walkable : [],
    spaces,
    doors,
    stairs: s.stairs.filter((x) => x.fromStorey === storey || x.toStorey === storey),
  };
}

/** Hover text of an overlay object, or null when `info` is not one. */
export function structureTooltip(info: PickingInfo): string | null {
  const id = info.layer?.id;
  const o = info.object as unknown;
  if (!o) return null;
  if (id === 'structure-spaces') {
    const sp = (o as SpacePart).space;
    return `${sp.longName ? `${sp.longName} (${sp.name})` : sp.name}\n${sp.area.toFixed(1)} m²`;
  }
  if (id === 'structure-doors') {
    const d = (o as DoorBar).door;
    return `${d.name || 'Door'}${d.exit ? ' · EXIT' : d.exterior ? ' · exterior' : ''}\n${d.width.toFixed(2)} m wide`;
  }
  if (id === 'structure-stairs') {
    const s = o as StructureStair;
    return `${s.name || s.type} · ${s.type}\n${s.width.toFixed(2)} m wide · rise ${s.rise.toFixed(2)} m`;
  }
  return null;
}

export class StructurePlanLayers {
  private key: { structure: BuildingStructure; storey: number; overlay: boolean } | null = null;
  private overlay: StoreyOverlay | null = null;
  private cached: Layer[] = [];

  /** The layers of `storey` of `structure`: the overlay, or (`overlay` false) the plain plan; cached while all stay the same. */
  layers(structure: BuildingStructure | null, storey: number | null, overlay = true): Layer[] {
    if (!structure || storey === null) return [];
    if (this.key?.structure === structure && this.key.storey === storey && this.key.overlay === overlay) return this.cached;
    this.key = { structure, storey, overlay };
    const o = (this.overlay = storeyOverlay(structure, storey));
    if (!overlay) {
      const plain = { stroked: true, filled: false, lineWidthUnits: 'pixels' as const, getLineWidth: 1, getLineColor: PLAIN_LINE, getFillColor: NONE };
      this.cached = [
        new PolygonLayer<PlanPolygon>({ id: 'structure-plain-outline', data: o.walkable, getPolygon: (p) => p, ...plain }),
        new PolygonLayer<SpacePart>({ id: 'structure-plain-spaces', data: o.spaces, getPolygon: (p) => p.polygon, ...plain }),
        new PolygonLayer<StructureStair>({ id: 'structure-plain-stairs', data: o.stairs, getPolygon: (s) => s.footprint, ...plain }),
        new PathLayer<DoorBar>({ id: 'structure-plain-doors', data: o.doors, getPath: (d) => d.path, getColor: PLAIN_LINE, getWidth: 2, widthUnits: 'pixels' }),
      ];
      return this.cached;
    }
    this.cached = [
      new PolygonLayer<PlanPolygon>({
        id: 'structure-walkable', data: o.walkable, getPolygon: (p) => p, filled: true, stroked: true,
        getFillColor: WALKABLE_FILL, getLineColor: WALKABLE_LINE, lineWidthUnits: 'pixels', getLineWidth: 1,
      }),
      new PolygonLayer<SpacePart>({
        id: 'structure-spaces', data: o.spaces, getPolygon: (p) => p.polygon, filled: true, stroked: true,
        getFillColor: [0, 0, 0, 0], getLineColor: SPACE_LINE, lineWidthUnits: 'pixels', getLineWidth: 1,
        pickable: true, autoHighlight: true, highlightColor: [79, 195, 247, 60],
      }),
      new PolygonLayer<StructureStair>({
        id: 'structure-stairs', data: o.stairs, getPolygon: (s) => s.footprint, filled: true, stroked: true,
        getFillColor: STAIR_FILL, getLineColor: STAIR_LINE, lineWidthUnits: 'pixels', getLineWidth: 1.5, pickable: true,
      }),
      new PathLayer<DoorBar>({
        id: 'structure-doors', data: o.doors, getPath: (d) => d.path, getColor: (d) => (d.door.exit ? EXIT_COLOUR : DOOR_COLOUR),
        getWidth: (d) => (d.door.exit ? 6 : 3.5), widthUnits: 'pixels', capRounded: true, pickable: true,
      }),
    ];
    return this.cached;
  }

  /** The storey data currently drawn (tests, stats). */
  current(): StoreyOverlay | null {
    return this.overlay;
  }
}

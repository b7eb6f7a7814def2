/**
 * The walkable map of any loaded IFC model (workers/ifc/structure `BuildingStructure`) in the
 * generic `WalkableMap` form: per storey, the outer rings of its walkable multipolygon (spaces, or
 * slabs, minus obstacles cut at body height, door openings kept passable) and their holes; stairs
 * and ramps become `FloorLink`s. Floors are named by storey name, as Position records name them.
 *
 * Caveat: an island inside a hole (a walkable patch within an obstacle ring) is lost, because the
 * raster fills every outer ring before clearing every hole; real models rarely have one.
 */
import type { BuildingStructure } from '../ifc/structure/BuildingStructure.js';
import type { LayoutWalkable } from './walkableFromLayout.js';
import type { FloorLink, WalkableMap } from './WalkableGrid.js';

export function walkableFromStructure(structure: BuildingStructure): LayoutWalkable {
  const storeys = [...structure.storeys].sort((a, b) => a.elevation - b.elevation);
  const maps: WalkableMap[] = storeys.map((s) => ({
    floor: s.name,
    polygons: s.walkable.map((poly) => poly[0]!).filter((ring) => ring !== undefined && ring.length >= 3),
    holes: s.walkable.flatMap((poly) => poly.slice(1)),
  }));
  const nameOf = (index: number) => structure.storeys.find((s) => s.index === index)?.name;
  const links: FloorLink[] = structure.stairs.flatMap((st) => {
    const a = nameOf(st.fromStorey);
    const b = nameOf(st.toStorey);
    return a !== undefined && b !== undefined && a !== b && st.footprint.length >= 3 ? [{ id: st.globalId, floorA: a, floorB: b, polygon: st.footprint }] : [];
  });
  return { maps, links, floors: storeys.map((s) => s.name) };
}

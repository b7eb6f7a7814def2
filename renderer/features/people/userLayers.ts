/**
 * The user-drawn counting lines and zones of the plan's storey, as deck.gl layers: zones as
 * outlined translucent polygons, lines as thick yellow paths, each with its name as a label
 * ("Line 1", "Zone 2"). Forward = crossing from the right of a→b to its left.
 */
import type { Layer } from '@deck.gl/core';
import { PathLayer, PolygonLayer, TextLayer } from '@deck.gl/layers';
import type { FlowGeometry, FlowLine, FlowZone } from '../../../workers/peopleflow/FlowGeometry.js';

const ZONE_FILL: [number, number, number, number] = [80, 160, 255, 40];
const ZONE_LINE: [number, number, number, number] = [80, 160, 255, 220];
const LINE_COLOUR: [number, number, number, number] = [255, 200, 40, 230];

export function userLayers(geometry: FlowGeometry, floor: string): Layer[] {
  const zones = geometry.zones.filter((z) => z.floor === floor);
  const lines = geometry.lines.filter((l) => l.floor === floor);
  if (!zones.length && !lines.length) return [];
  const labels = [
    ...zones.map((z) => ({ text: z.name, position: centroid(z.polygon) })),
    ...lines.map((l) => ({ text: l.name, position: [(l.a[0] + l.b[0]) / 2, (l.a[1] + l.b[1]) / 2] as [number, number] })),
  ];
  return [
    new PolygonLayer<FlowZone>({
      id: 'people-user-zones', data: zones, getPolygon: (z) => z.polygon, filled: true, stroked: true,
      getFillColor: ZONE_FILL, getLineColor: ZONE_LINE, lineWidthUnits: 'pixels', getLineWidth: 2,
    }),
    new PathLayer<FlowLine>({
      id: 'people-user-lines', data: lines, getPath: (l) => [l.a, l.b], getColor: LINE_COLOUR, widthUnits: 'pixels', getWidth: 4, capRounded: true,
    }),
    new TextLayer<{ text: string; position: [number, number] }>({
      id: 'people-user-labels', data: labels, getText: (d) => d.text, getPosition: (d) => d.position, getSize: 12, sizeUnits: 'pixels',
      getColor: [255, 255, 255, 230], outlineWidth: 2, outlineColor: [0, 0, 0, 200], fontSettings: { sdf: true },
    }),
  ];
}

function centroid(ring: readonly [number, number][]): [number, number] {
  let x = 0;
  let y = 0;
  for (const p of ring) {
    x += p[0];
    y += p[1];
  }
  return [x / ring.length, y / ring.length];
}

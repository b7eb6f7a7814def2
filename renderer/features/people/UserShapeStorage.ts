/**
 * The user-drawn counting lines and zones, saved per building in the page's localStorage (they
 * are the planner's, not the telemetry's: no need to go through main). Key: `twin.people.shapes.`
 * + the geometry key ("model:<sha256>" for a loaded IFC, "testbed" for the built-in layout), so
 * each model keeps its own lines. What is read back is validated: a damaged entry is reported and
 * ignored, never half-applied.
 */
import { z } from 'zod';
import { describeZodError } from '../../../common/records.js';
import type { FlowLine, FlowZone } from '../../../workers/peopleflow/FlowGeometry.js';

const Point = z.tuple([z.number().finite(), z.number().finite()]);
const SavedShapesSchema = z.object({
  version: z.literal(1),
  zones: z.array(z.object({ id: z.string().min(1), name: z.string(), floor: z.string(), polygon: z.array(Point).min(3) })),
  lines: z.array(z.object({ id: z.string().min(1), name: z.string(), floor: z.string(), a: Point, b: Point })),
});

export type SavedZone = Omit<FlowZone, 'kind'>;
export type SavedLine = Omit<FlowLine, 'kind' | 'from' | 'to'>;

export interface SavedShapes {
  zones: SavedZone[];
  lines: SavedLine[];
}

export const SHAPES_KEY_PREFIX = 'twin.people.shapes.';

export class UserShapeStorage {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null) {}

  /** The saved shapes of a geometry; `error` names what was wrong with a damaged entry. */
  load(geometryKey: string): SavedShapes & { error?: string } {
    const raw = this.storage?.getItem(SHAPES_KEY_PREFIX + geometryKey) ?? null;
    if (raw === null) return { zones: [], lines: [] };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      return { zones: [], lines: [], error: `${SHAPES_KEY_PREFIX}${geometryKey}: not JSON (${(e as Error).message})` };
    }
    const parsed = SavedShapesSchema.safeParse(json);
    if (!parsed.success) return { zones: [], lines: [], error: `${SHAPES_KEY_PREFIX}${geometryKey}: ${describeZodError(parsed.error)}` };
    return { zones: parsed.data.zones, lines: parsed.data.lines };
  }

  save(geometryKey: string, shapes: SavedShapes): void {
    if (!this.storage) return;
    const key = SHAPES_KEY_PREFIX + geometryKey;
    if (shapes.zones.length === 0 && shapes.lines.length === 0) {
      this.storage.removeItem(key);
      return;
    }
    const data: z.infer<typeof SavedShapesSchema> = {
      version: 1,
      zones: shapes.zones.map((z) => ({ id: z.id, name: z.name, floor: z.floor, polygon: z.polygon })),
      lines: shapes.lines.map((l) => ({ id: l.id, name: l.name, floor: l.floor, a: l.a, b: l.b })),
    };
    this.storage.setItem(key, JSON.stringify(data));
  }
}

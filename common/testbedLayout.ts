/**
 * The testbed layout: ONE pure description of the smart-city testbed building that drives both the
 * generated IFC sample (`twin samples` → samples/testbed-complex.ifc) and the built-in testbed
 * telemetry simulator, so simulated robots and people move on exactly the building the IFC shows.
 *
 * Building frame: metres, x east, y north, z up; the origin is the building's south-west outer corner
 * at the 1F floor level. Polygons are [x, y][] rings, counter-clockwise, NOT closed explicitly
 * (the last point joins the first). Wall segments `a`–`b` are wall centre lines.
 *
 * Plan of every storey (W = 2·END_BAY + roomsPerSide·ROOM_WIDTH, D = 30):
 * ```
 *  y=30 ┌────────┬──┬──┬──┬──┬──┬──┬────────┐
 *       │ room NW│ N01 … N0k rooms  │ stair E│   rooms on the north side
 *  y=22 ├──door──┼d─┴d─┴d─┴d─┴d─┴d─┼──door──┤
 *       │        │   corridor N     │        │
 *       │ lobby  │ ┌──────────────┐ │ lobby  │
 *  exit ▷   W    │ │   atrium     │ │   E    ◁ exit (1F only)
 *       │        │ └──────────────┘ │        │
 *       │        │   corridor S     │        │
 *  y=8  ├──door──┼d─┬d─┬d─┬d─┬d─┬d─┼──door──┤
 *       │ stair W│ S01 … S0k rooms  │ room SE│   rooms on the south side
 *  y=0  └────────┴──┴──┴──┴──┴──┴──┴────────┘
 *      x=0      x=10              x=W-10    x=W
 * ```
 * The corridor ring is four corridor spaces (S, N, W, E) around the atrium; lobbies, corridors and the
 * atrium are open to each other (no walls between them). Two stair cores (SW and NE) hold one straight
 * flight per pair of adjacent storeys, stacked in plan.
 */

export interface TestbedLayoutOptions {
  /** Number of storeys, ≥ 1 (default 3). */
  storeys?: number;
  /** Rooms on each long side of the corridor ring, ≥ 1 (default 6). */
  roomsPerSide?: number;
  /** Seed for the office/lab assignment of rooms (default 1); the geometry does not depend on it. */
  seed?: number;
}

/** What a space is used for; `service`: toilets, closets, shafts, lifts, utility and telecom rooms (rarely visited, briefly). */
export type TestbedSpaceUsage = 'atrium' | 'corridor' | 'office' | 'lab' | 'hall' | 'lobby' | 'stair' | 'service';

export interface TestbedSpace {
  /** Unique over the building, e.g. "1F-S01"; the IFC writes it as IfcSpace.Name. */
  id: string;
  /** Human name, e.g. "Office S01"; the IFC writes it as IfcSpace.LongName. */
  name: string;
  /** Storey index (0 = 1F). */
  storey: number;
  usage: TestbedSpaceUsage;
  polygon: [number, number][];
}

export interface TestbedDoor {
  id: string;
  storey: number;
  /** Door centre on the wall centre line, building frame, m. */
  x: number;
  y: number;
  /** Clear width, m. */
  width: number;
  /** Direction of the wall the door sits in: 'x' = wall runs east–west, 'y' = wall runs north–south. */
  orientation: 'x' | 'y';
  /** Space ids on either side, or 'outside'. */
  between: [string, string];
  exterior: boolean;
}

export interface TestbedStair {
  id: string;
  fromStorey: number;
  toStorey: number;
  /** Plan footprint of the flight. */
  polygon: [number, number][];
  /** Centre of the bottom step's edge (on fromStorey) and of the top edge (on toStorey). */
  bottom: [number, number];
  top: [number, number];
  /** Clear flight width, m. */
  width: number;
  /** Walking length along the flight (hypotenuse of run and rise), m. */
  length: number;
}

export interface TestbedWall {
  storey: number;
  a: [number, number];
  b: [number, number];
  /** m */
  thickness: number;
  exterior: boolean;
}

export interface TestbedLayout {
  /** "Testbed Complex" */
  name: string;
  /** WGS84 of the building frame's origin; trueNorth: degrees clockwise from the building frame's +y axis to true north (0: +y is north). */
  georeference: { lat: number; lon: number; trueNorth: number };
  site: {
    polygon: [number, number][];
    /** Closed polyline for the bus (the last point joins the first), outside the building, counter-clockwise. */
    roadLoop: [number, number][];
    busStops: { id: string; x: number; y: number }[];
  };
  storeys: { index: number; name: string; elevation: number; height: number }[];
  spaces: TestbedSpace[];
  doors: TestbedDoor[];
  stairs: TestbedStair[];
  walls: TestbedWall[];
}

/** Plan dimensions, m. */
export const TESTBED_DIMENSIONS = {
  roomWidth: 6,
  roomDepth: 8,
  endBay: 10,
  corridorWidth: 3,
  depth: 30,
  storeyHeight: 4,
  exteriorWallThickness: 0.3,
  interiorWallThickness: 0.2,
  roomDoorWidth: 0.9,
  coreDoorWidth: 1.2,
  exitDoorWidth: 1.8,
  stairWidth: 1.5,
  /** Going (tread depth) and riser height of the flights, m. */
  stairGoing: 0.28,
  stairRiser: 0.16,
  /** Offset of the bus road loop from the building outline, m. */
  roadOffset: 15,
  /** Offset of the site boundary from the building outline, m. */
  siteOffset: 30,
} as const;

/** Small deterministic PRNG (mulberry32) so the same seed gives the same layout. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Builds the testbed layout. Throws RangeError naming the option when storeys/roomsPerSide are not positive integers. */
export function buildTestbedLayout(opts: TestbedLayoutOptions = {}): TestbedLayout {
  const storeyCount = opts.storeys ?? 3;
  const rooms = opts.roomsPerSide ?? 6;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(storeyCount) || storeyCount < 1) throw new RangeError(`buildTestbedLayout: storeys must be an integer ≥ 1, got ${storeyCount}`);
  if (!Number.isInteger(rooms) || rooms < 1) throw new RangeError(`buildTestbedLayout: roomsPerSide must be an integer ≥ 1, got ${rooms}`);
  const d = TESTBED_DIMENSIONS;
  const E = d.endBay;
  const W = 2 * E + rooms * d.roomWidth;
  const D = d.depth;
  const yS = d.roomDepth; // south rooms / corridor boundary (8)
  const yN = D - d.roomDepth; // corridor / north rooms boundary (22)
  const c = d.corridorWidth;
  const random = mulberry32(seed);
  // Office/lab per room position, the same on every storey (labs stack, as services do).
  const usageOf = Array.from({ length: 2 * rooms }, () => (random() < 0.35 ? 'lab' : 'office') as 'lab' | 'office');

  const storeys = Array.from({ length: storeyCount }, (_, i) => ({ index: i, name: `${i + 1}F`, elevation: i * d.storeyHeight, height: d.storeyHeight }));
  const spaces: TestbedSpace[] = [];
  const doors: TestbedDoor[] = [];
  const walls: TestbedWall[] = [];
  const stairs: TestbedStair[] = [];

  for (const st of storeys) {
    const p = st.name;
    const s = st.index;
    const sp = (id: string, name: string, usage: TestbedSpaceUsage, polygon: [number, number][]) => {
      spaces.push({ id: `${p}-${id}`, name, storey: s, usage, polygon });
      return `${p}-${id}`;
    };
    sp('ATR', 'Atrium', 'atrium', rect(E + c, yS + c, W - E - c, yN - c));
    const corS = sp('COR-S', 'Corridor South', 'corridor', rect(E, yS, W - E, yS + c));
    const corN = sp('COR-N', 'Corridor North', 'corridor', rect(E, yN - c, W - E, yN));
    sp('COR-W', 'Corridor West', 'corridor', rect(E, yS + c, E + c, yN - c));
    sp('COR-E', 'Corridor East', 'corridor', rect(W - E - c, yS + c, W - E, yN - c));
    const lobbyUsage = s === 0 ? 'lobby' : 'hall';
    const lobbyW = sp('LOB-W', s === 0 ? 'Lobby West' : 'Hall West', lobbyUsage, rect(0, yS, E, yN));
    const lobbyE = sp('LOB-E', s === 0 ? 'Lobby East' : 'Hall East', lobbyUsage, rect(W - E, yS, W, yN));
    const stairW = sp('STR-W', 'Stair Core West', 'stair', rect(0, 0, E, yS));
    const stairE = sp('STR-E', 'Stair Core East', 'stair', rect(W - E, yN, W, D));
    const labNW = sp('LAB-NW', 'Lab North-West', 'lab', rect(0, yN, E, D));
    const labSE = sp('LAB-SE', 'Lab South-East', 'lab', rect(W - E, 0, W, yS));

    for (let i = 0; i < rooms; i++) {
      const x0 = E + i * d.roomWidth;
      const x1 = x0 + d.roomWidth;
      const xm = (x0 + x1) / 2;
      const uS = usageOf[2 * i]!;
      const uN = usageOf[2 * i + 1]!;
      const south = sp(`S${pad2(i + 1)}`, `${uS === 'lab' ? 'Lab' : 'Office'} S${pad2(i + 1)}`, uS, rect(x0, 0, x1, yS));
      const north = sp(`N${pad2(i + 1)}`, `${uN === 'lab' ? 'Lab' : 'Office'} N${pad2(i + 1)}`, uN, rect(x0, yN, x1, D));
      doors.push({ id: `${p}-D-S${pad2(i + 1)}`, storey: s, x: xm, y: yS, width: d.roomDoorWidth, orientation: 'x', between: [south, corS], exterior: false });
      doors.push({ id: `${p}-D-N${pad2(i + 1)}`, storey: s, x: xm, y: yN, width: d.roomDoorWidth, orientation: 'x', between: [north, corN], exterior: false });
    }
    doors.push({ id: `${p}-D-STR-W`, storey: s, x: E / 2, y: yS, width: d.coreDoorWidth, orientation: 'x', between: [stairW, lobbyW], exterior: false });
    doors.push({ id: `${p}-D-LAB-NW`, storey: s, x: E / 2, y: yN, width: d.coreDoorWidth, orientation: 'x', between: [labNW, lobbyW], exterior: false });
    doors.push({ id: `${p}-D-STR-E`, storey: s, x: W - E / 2, y: yN, width: d.coreDoorWidth, orientation: 'x', between: [stairE, lobbyE], exterior: false });
    doors.push({ id: `${p}-D-LAB-SE`, storey: s, x: W - E / 2, y: yS, width: d.coreDoorWidth, orientation: 'x', between: [labSE, lobbyE], exterior: false });
    if (s === 0) {
      doors.push({ id: `${p}-EXIT-W`, storey: s, x: 0, y: D / 2, width: d.exitDoorWidth, orientation: 'y', between: [lobbyW, 'outside'], exterior: true });
      doors.push({ id: `${p}-EXIT-E`, storey: s, x: W, y: D / 2, width: d.exitDoorWidth, orientation: 'y', between: [lobbyE, 'outside'], exterior: true });
    }

    const ext = d.exteriorWallThickness;
    const int = d.interiorWallThickness;
    walls.push({ storey: s, a: [0, 0], b: [W, 0], thickness: ext, exterior: true });
    walls.push({ storey: s, a: [W, 0], b: [W, D], thickness: ext, exterior: true });
    walls.push({ storey: s, a: [W, D], b: [0, D], thickness: ext, exterior: true });
    walls.push({ storey: s, a: [0, D], b: [0, 0], thickness: ext, exterior: true });
    walls.push({ storey: s, a: [0, yS], b: [W, yS], thickness: int, exterior: false });
    walls.push({ storey: s, a: [0, yN], b: [W, yN], thickness: int, exterior: false });
    for (let i = 0; i <= rooms; i++) {
      const x = E + i * d.roomWidth;
      walls.push({ storey: s, a: [x, 0], b: [x, yS], thickness: int, exterior: false });
      walls.push({ storey: s, a: [x, yN], b: [x, D], thickness: int, exterior: false });
    }
  }

  // Stairs: one straight flight per core and pair of adjacent storeys, stacked in plan.
  const risers = Math.round(d.storeyHeight / d.stairRiser);
  const run = (risers - 1) * d.stairGoing;
  const length = Math.hypot(run, d.storeyHeight);
  const w = d.stairWidth;
  for (let s = 0; s + 1 < storeyCount; s++) {
    const from = storeys[s]!.name;
    const to = storeys[s + 1]!.name;
    // West core: along the south wall, climbing east.
    const wx0 = 1.5;
    const wy0 = 1;
    stairs.push({
      id: `STAIR-W-${from}-${to}`, fromStorey: s, toStorey: s + 1,
      polygon: rect(wx0, wy0, wx0 + run, wy0 + w), bottom: [wx0, wy0 + w / 2], top: [wx0 + run, wy0 + w / 2], width: w, length,
    });
    // East core: along the north wall, climbing west.
    const ex0 = W - 1.5;
    const ey1 = D - 1;
    stairs.push({
      id: `STAIR-E-${from}-${to}`, fromStorey: s, toStorey: s + 1,
      polygon: rect(ex0 - run, ey1 - w, ex0, ey1), bottom: [ex0, ey1 - w / 2], top: [ex0 - run, ey1 - w / 2], width: w, length,
    });
  }

  const r = d.roadOffset;
  const so = d.siteOffset;
  return {
    name: 'Testbed Complex',
    georeference: { lat: 35.5494, lon: 139.7798, trueNorth: 0 },
    site: {
      polygon: rect(-so, -so, W + so, D + so),
      roadLoop: rect(-r, -r, W + r, D + r),
      busStops: [
        { id: 'BUS-W', x: -r, y: D / 2 },
        { id: 'BUS-E', x: W + r, y: D / 2 },
      ],
    },
    storeys,
    spaces,
    doors,
    stairs,
    walls,
  };
}

/**
 * `twin samples`: writes the generated testbed building (common/testbedLayout.ts) as IFC4.
 * Default: samples/testbed-complex.ifc in the package (3 storeys, 6 rooms per side). Larger
 * buildings for benchmarks: `twin samples --storeys 40 --rooms 300 --out /tmp/big.ifc` (≈ 53 MB).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildTestbedLayout } from '../../../common/testbedLayout.js';
import { generateTestbedIfc } from '../../samples/generateTestbedIfc.js';
import { packageRoot } from '../../services/AppPaths.js';
import { numberFlag, parseFlags, UsageError, type CliCommand } from '../command.js';

const HELP = `Usage: twin samples [--storeys N] [--rooms N] [--seed S] [--out FILE]

Generates the testbed building as an IFC4 file: storeys with a central atrium, a corridor ring,
rooms on both sides (one IfcSpace each, doors to the corridor), two stair cores joining every pair of
adjacent storeys, two exterior exits on 1F, and the bus road loop with bus stops on the site
(georeferenced near Haneda, EPSG:6677 map conversion). The same layout drives the testbed simulator.

Options:
  --storeys N   number of storeys (default 3)
  --rooms N     rooms on each long side of the corridor ring (default 6)
  --seed S      office/lab assignment seed (default 1)
  --out FILE    output file (default: samples/testbed-complex.ifc in the package)

Examples:
  twin samples
  twin samples --storeys 40 --rooms 300 --out /tmp/testbed-big.ifc     # ≈ 53 MB for benchmarks
`;

export const samplesCommand: CliCommand = {
  name: 'samples',
  summary: 'generate the testbed sample building as IFC4 (samples/testbed-complex.ifc)',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('samples', args, {
      storeys: { type: 'string' },
      rooms: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`twin samples: unexpected argument "${positionals[0]}" (see twin samples --help)`);
    const storeys = numberFlag('samples', 'storeys', values.storeys, 3, { min: 1, max: 500, integer: true });
    const roomsPerSide = numberFlag('samples', 'rooms', values.rooms, 6, { min: 1, max: 5000, integer: true });
    const seed = numberFlag('samples', 'seed', values.seed, 1, { integer: true });
    const out = values.out !== undefined ? resolve(values.out) : join(packageRoot(), 'samples', 'testbed-complex.ifc');

    const started = performance.now();
    const layout = buildTestbedLayout({ storeys, roomsPerSide, seed });
    mkdirSync(dirname(out), { recursive: true });
    // Write to a temporary file and rename, so an interrupted run never leaves a truncated IFC behind.
    const tmp = `${out}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    let result;
    try {
      result = generateTestbedIfc(layout, (chunk) => {
        if (io.signal.aborted) throw new Error('interrupted');
        writeSync(fd, chunk);
      });
      closeSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      if (io.signal.aborted) {
        io.err('twin samples: interrupted, nothing written\n');
        return 1;
      }
      throw e;
    }
    renameSync(tmp, out);
    const ms = performance.now() - started;
    const exits = layout.doors.filter((d) => d.exterior).length;
    io.err(
      `twin samples: ${out}: ${(result.bytes / 1e6).toFixed(2)} MB, ${result.entities} entities in ${ms.toFixed(0)} ms — ` +
        `${layout.storeys.length} storeys, ${layout.spaces.length} spaces, ${layout.doors.length} doors (${exits} exits), ` +
        `${layout.stairs.length} stairs, ${layout.walls.length} walls\n`,
    );
    io.out(`${out}\n`);
    return 0;
  },
};

/**
 * `twin serve`: the workbench in a browser (web mode). Same renderer, same services as Electron.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { numberFlag, parseFlags, UsageError, type CliCommand } from '../command.js';
import { Workbench } from '../../services/Workbench.js';
import { packageRoot } from '../../services/AppPaths.js';
import { ModelFileError } from '../../services/ModelService.js';
import { WebHost } from '../../host/WebHost.js';
import { startTelemetry } from '../../services/startTelemetry.js';
import { replayPath } from '../../replay/McapReplaySource.js';

const HELP = `Usage: twin serve [--port 5170] [--host 127.0.0.1] [--source URI] [--model FILE.ifc] [--record DIR] [--no-record] [--beacons FILE.json]

Serves the workbench to a browser: the renderer and the main-side services (web mode).
Prints the URL to open; it carries a per-launch token, so only you can drive this instance.

Options:
  --port N         TCP port (default 5170; 0 picks a free port)
  --host ADDR      address to bind (default 127.0.0.1; anything else exposes the app on your network)
  --source URI     telemetry source: testbed: (default), testbed:?robots=60&tags=2000&seed=7&speed=1,
                   mqtt://HOST:PORT[/PREFIX], ngsi-ld:http://HOST:PORT[?type=…], file:PATH.mcap
  --model FILE     IFC building to open (default: the bundled sample building)
  --record DIR     folder for the live recording (rotating MCAP files; default: the user-data recordings folder)
  --no-record      do not record the live session
  --beacons FILE   beacon registry (spec/telemetry.md) for turning scans into positions

Examples:
  twin serve
  twin serve --model ../shared/ifc/office-a-ifc2x3.ifc --source mqtt://127.0.0.1:1883/testbed
`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'the workbench in a browser (web mode): renderer + services, prints the URL',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('serve', args, {
      port: { type: 'string' },
      host: { type: 'string' },
      source: { type: 'string' },
      model: { type: 'string' },
      record: { type: 'string' },
      'no-record': { type: 'boolean' },
      beacons: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`twin serve: unexpected argument "${positionals[0]}" (see twin serve --help)`);
    const port = numberFlag('serve', 'port', values.port, 5170, { min: 0, max: 65535, integer: true });
    const host = values.host ?? '127.0.0.1';
    const staticDir = join(packageRoot(), 'dist', 'renderer');
    if (!existsSync(join(staticDir, 'index.html'))) {
      io.err(`twin serve: the renderer is not built (${staticDir}/index.html missing); run npm run build\n`);
      return 1;
    }
    // A recording named on the command line that is not there is the user's mistake (a broker that is not up yet is
    // not: its source retries): say so and stop, as for --model, instead of a normal start with the error in the log.
    if (values.source?.startsWith('file:')) {
      let path: string;
      try {
        path = replayPath(values.source);
      } catch (e) {
        throw new UsageError(`twin serve: --source ${(e as Error).message}`);
      }
      if (!existsSync(path)) throw new UsageError(`twin serve: --source ${values.source}: ${path}: no such file or folder`);
    }
    const model = values.model !== undefined ? resolve(values.model) : undefined;
    const workbench = new Workbench({ mode: 'web', model, echo: (line) => io.err(line) });
    try {
      await workbench.start();
    } catch (e) {
      await workbench.dispose();
      if (e instanceof ModelFileError) throw new UsageError(`twin serve: --model ${e.message}`);
      throw e;
    }
    const telemetry = await startTelemetry(workbench, {
      source: values.source ?? 'testbed:',
      recordDir: values['no-record'] ? null : resolve(values.record ?? workbench.paths.recordings),
      beacons: values.beacons !== undefined ? resolve(values.beacons) : undefined,
    });
    if (telemetry) workbench.addService(telemetry);
    const webHost = new WebHost(workbench, { port, host, staticDir });
    let url: string;
    try {
      url = await webHost.listen();
    } catch (e) {
      await workbench.dispose();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`twin serve: --port ${port} is already in use; pick another or use --port 0`);
      if (code === 'EADDRNOTAVAIL') throw new UsageError(`twin serve: --host ${host} is not an address of this machine`);
      throw e;
    }
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      io.err(`twin serve: warning: bound to ${host}; anyone who can reach it and has the token can use the workbench\n`);
    }
    io.out(`Twin Workbench: ${url}\n`);
    const model_ = workbench.models.current();
    io.err(`  model:  ${model_ ? model_.name : '(none)'}\n  source: ${values.source ?? 'testbed:'}\n  logs:   ${workbench.paths.logFile}\nPress Ctrl+C to stop.\n`);
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    io.err('twin serve: stopping…\n');
    await webHost.close();
    await workbench.dispose();
    return 0;
  },
};

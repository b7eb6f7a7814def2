/**
 * `twin` — the headless command line (contract: shared/spec/cli.md).
 * Each command lives in main/cli/commands/NAME.ts and is registered in COMMANDS below.
 */
import { EXIT_BAD_INPUT, EXIT_FAILURE, UsageError, type CliCommand, type CliIo } from './command.js';
import { serveCommand } from './commands/serve.js';
import { samplesCommand } from './commands/samples.js';
import { ifcCommand } from './commands/ifc.js';
import { recordCommand } from './commands/record.js';
import { inspectCommand } from './commands/inspect.js';
import { replayCommand } from './commands/replay.js';
import { testbedCommand } from './commands/testbed.js';
import { exportCommand } from './commands/export.js';
import { simulateCommand } from './commands/simulate.js';

const VERSION = process.env.TWIN_VERSION ?? '0.0.0';

/** Every command of spec/cli.md, in the order `twin --help` lists them. */
const COMMANDS: readonly CliCommand[] = [serveCommand, samplesCommand, ifcCommand, recordCommand, inspectCommand, replayCommand, testbedCommand, exportCommand, simulateCommand];

function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `twin ${VERSION} — Twin Workbench: digital twin, telemetry, recording/replay and evacuation simulation`,
    '',
    'Usage: twin <command> [options]     (twin <command> --help for details)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 runtime failure, 2 bad input.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const io: CliIo = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    tty: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`twin: unknown command "${name}"\n\n${usage()}`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.err(`twin ${name}: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// A reader that goes away (`twin export … | head -1`) is not our failure: stop and leave quietly, as other command-line
// tools do, not with Node's "Unhandled 'error' event" stack and exit 1.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const code = await main(process.argv.slice(2));
// Writes to a pipe are asynchronous: let stdout and stderr drain (a large --json result would be
// cut otherwise), then exit explicitly so stray handles (sockets, timers) never keep the CLI alive.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);

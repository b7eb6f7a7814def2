/**
 * The shape of one `twin` command (contract: shared/spec/cli.md).
 * Exit codes: 0 success, 1 runtime failure, 2 bad input (the message names the file and field).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { accessSync, constants, existsSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface CliCommand {
  readonly name: string;
  /** One line for `twin --help`. */
  readonly summary: string;
  /** Full `twin NAME --help` text: usage line, options, examples. */
  readonly help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Where a command writes: results to `out`, progress and messages to `err`. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when standard error is a terminal (progress bars), false in pipes and tests. */
  readonly tty: boolean;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly and close their files. */
  readonly signal: AbortSignal;
}

/** Bad input: exit 2 with this message, which names the file/flag/field and what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses flags strictly: an unknown flag or a missing value is a UsageError naming the command.
 * Returns string/boolean values keyed by option name and the positional arguments.
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O) {
  // `--runs -1` is a value, not a flag: joined as `--runs=-1` so the range check can say what is wrong with it
  // (parseArgs called it "ambiguous").
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!, next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) { joined.push(`${a}=${next}`); i++; }
    else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's own text for an unknown flag is a lecture on positionals that ends in an unbalanced quote.
    const unknown = (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec((e as Error).message)?.[1] : undefined;
    if (unknown) throw new UsageError(`twin ${command}: unknown option ${unknown} (twin ${command} --help lists them)`);
    throw new UsageError(`twin ${command}: ${(e as Error).message}`);
  }
}

/**
 * Checks that `--FLAG PATH` names a file that can be written (its folder exists and is writable; the path is not a
 * folder), before a long run whose result would otherwise be lost at the end. Throws UsageError naming the flag.
 */
export function writableFile(command: string, flag: string, path: string): void {
  const dir = dirname(resolve(path));
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`twin ${command}: --${flag} ${path}: no folder ${dir}`);
  }
  if (!st.isDirectory()) throw new UsageError(`twin ${command}: --${flag} ${path}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`twin ${command}: --${flag} ${path}: cannot write in ${dir}`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`twin ${command}: --${flag} ${path}: is a folder, expected a file`);
}

/** Parses a numeric flag, or throws a UsageError naming it. */
export function numberFlag(command: string, flag: string, value: string | undefined, fallback: number, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const bad =
    value.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`twin ${command}: --${flag} must be ${opts.integer ? 'an integer' : 'a number'}${range ? ' ' + range : ''}, got "${value}"`);
  }
  return n;
}

/**
 * A simple progress reporter on standard error: a bar on a terminal; otherwise a line each time the
 * progress passes another tenth (as far as it got: updates that jump past 10, 20 … still print one).
 */
export function progress(io: CliIo, label: string): (fraction: number, detail?: string) => void {
  let lastPct = -1, lastTenth = -1;
  return (fraction, detail) => {
    const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    if (pct === lastPct) return;
    lastPct = pct;
    if (io.tty) {
      const w = 30;
      const fill = Math.round((pct / 100) * w);
      io.err(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${pct}%${detail ? ' ' + detail : ''}   ${pct === 100 ? '\n' : ''}`);
    } else if (Math.floor(pct / 10) > lastTenth) {
      lastTenth = Math.floor(pct / 10);
      io.err(`${label}: ${pct}%${detail ? ' ' + detail : ''}\n`);
    }
  };
}

/** Appends timestamped lines to the app's log file (and mirrors warnings/errors to stderr when asked). */
import { appendFileSync, renameSync, statSync } from 'node:fs';

export type LogLevel = 'info' | 'warn' | 'error';

const MAX_BYTES = 5 * 1024 * 1024;

export class Logger {
  constructor(
    private readonly file: string | null,
    private readonly echo: (line: string) => void = () => {},
  ) {}

  log = (level: LogLevel, message: string): void => {
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`;
    if (level !== 'info') this.echo(line);
    if (!this.file) return;
    try {
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(this.file, this.file + '.1');
      appendFileSync(this.file, line);
    } catch {
      // A full disk or a read-only folder must not take the app down; the echo above still shows problems.
    }
  };
}

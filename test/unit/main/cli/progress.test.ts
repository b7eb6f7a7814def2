/** The CLI's progress reporter on a pipe (CI logs, `2> file`): one line per tenth passed, however far an update jumps. */
import { describe, expect, it } from 'vitest';
import { progress, type CliIo } from '../../../../main/cli/command.js';

const pipe = (): { io: CliIo; lines: string[] } => {
  const lines: string[] = [];
  return { lines, io: { out: () => undefined, err: (t) => lines.push(t), tty: false, signal: new AbortController().signal } };
};

describe('progress on a pipe', () => {
  it('prints a line for each tenth passed, also when updates jump over the round figures', () => {
    // `twin record --source testbed:?speed=60` ticks every 250 ms of wall time: 15 s of a 120 s recording, 12.5 % a tick.
    const { io, lines } = pipe();
    const bar = progress(io, 'record');
    for (let k = 0; k <= 8; k++) bar(k / 8, `${k * 100} messages`);
    expect(lines).toEqual(['record: 0% 0 messages\n', 'record: 12% 100 messages\n', 'record: 25% 200 messages\n', 'record: 37% 300 messages\n',
      'record: 50% 400 messages\n', 'record: 62% 500 messages\n', 'record: 75% 600 messages\n', 'record: 87% 700 messages\n', 'record: 100% 800 messages\n']);
  });

  it('prints each tenth once when the updates are fine', () => {
    const { io, lines } = pipe();
    const bar = progress(io, 'simulate');
    for (let k = 0; k <= 1000; k++) bar(k / 1000);
    expect(lines).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `simulate: ${p}%\n`));
  });
});

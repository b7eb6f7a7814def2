/** The `twin` command line contract (shared/spec/cli.md): help for every command, exit codes for bad input. */
import { describe, it, expect } from 'vitest';
import { twin } from '../helpers/twinCli';

const COMMANDS = ['serve', 'simulate', 'ifc', 'record', 'inspect', 'replay', 'testbed'];

describe('twin CLI', () => {
  it('lists every command of the spec in --help', () => {
    const r = twin(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\s`, 'm'));
  });

  it.each(COMMANDS)('twin %s --help prints its usage and exits 0', (c) => {
    const r = twin([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`twin ${c}`);
  });

  it('exits 2 naming an unknown command or flag', () => {
    const a = twin(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown command "frobnicate"');
    const b = twin(['serve', '--bogus']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/twin serve: .*--bogus/);
    const c = twin(['serve', '--port', 'eighty']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--port must be an integer');
  });

  it('exits 2 naming the file when serve is given a model that is not IFC', () => {
    const r = twin(['serve', '--port', '0', '--model', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package\.json: not an IFC file/);
  });
});

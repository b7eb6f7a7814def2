/** The `twin` command line contract (shared/spec/cli.md): help for every command, exit codes for bad input. */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, twin } from '../helpers/twinCli';

const COMMANDS = ['serve', 'simulate', 'ifc', 'record', 'inspect', 'replay', 'testbed'];

describe('twin CLI', () => {
  it('lists every command of the spec in --help', () => {
    const r = twin(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\s`, 'm'));
  });

  it('loads web-ifc only for a command that opens an IFC (its 6 MB of JavaScript took 0.66 s of every start), mqtt.js only for a broker', () => {
    // Which CommonJS modules a command loaded (web-ifc is one; Node lists them in require.cache), printed as it exits.
    const loaded = (args: string[]): string[] => {
      const probe = `import { createRequire } from 'node:module'; const r = createRequire(import.meta.url);
        process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(r.cache)) + '\\n'));
        process.argv = [process.execPath, 'twin', ...${JSON.stringify(args)}]; await import('./dist/cli/twin.js');`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
      const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
      expect(line, r.stderr).toBeDefined();
      return JSON.parse(line!.slice('LOADED '.length)) as string[];
    };
    const webIfc = (mods: string[]) => mods.some((m) => /[\\/]web-ifc[\\/]/.test(m));
    const mqtt = (mods: string[]) => mods.some((m) => /[\\/]mqtt[\\/]/.test(m));
    const help = loaded(['--help']), replayHelp = loaded(['replay', '--help']);
    expect(webIfc(help) || webIfc(replayHelp)).toBe(false);
    // mqtt.js likewise (0.13 s) loads only for a broker
    expect(mqtt(help) || mqtt(replayHelp)).toBe(false);
    expect(webIfc(loaded(['ifc', join(repoRoot, 'samples', 'testbed-complex.ifc')]))).toBe(true);
  });

  it('stops quietly when the reader of its output goes away (| head -1), without a stack trace', async () => {
    // 270 KB of heatmap rows, written line by line: more than a pipe holds, so the writes go on after the reader left.
    const dir = mkdtempSync(join(tmpdir(), 'twin-epipe-')), rec = join(dir, 'r.mcap');
    expect(twin(['record', '--source', 'testbed:?speed=60&tags=300&robots=5', '--duration', '60', '--out', rec]).code).toBe(0);
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'twin.js'), 'export', rec, '--what', 'heatmap', '--cell', '0.25'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // the reader takes one piece and leaves
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    rmSync(dir, { recursive: true, force: true });
    expect(err).not.toMatch(/EPIPE|node:events|Unhandled/);
    expect(code).toBe(0);
  });

  it.each(COMMANDS)('twin %s --help prints its usage and exits 0', (c) => {
    const r = twin([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`twin ${c}`);
  });

  it("the README's command table names every flag of each command's usage, and no flag it does not have", () => {
    // Before: the README left out replay --retime, testbed --speed and --beacons-out, samples --seed, simulate --density.
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `twin (\w+) ([^`]*)` \|/gm)];
    const documented = new Map<string, Set<string>>();
    for (const [, cmd, args] of rows) for (const f of args!.match(/--[a-z-]+/g) ?? []) (documented.get(cmd!) ?? documented.set(cmd!, new Set()).get(cmd!)!).add(f);
    expect([...documented.keys()].sort()).toEqual([...COMMANDS, 'export', 'samples'].sort());
    for (const [cmd, flags] of documented) {
      const help = twin([cmd, '--help']).stdout;
      // The usage block: "Usage: twin CMD …" and the "       twin CMD …" lines right under it (not the examples).
      const lines = help.split('\n'), from = lines.findIndex((l) => l.startsWith('Usage:'));
      let to = from + 1;
      while (to < lines.length && /^\s+twin /.test(lines[to]!)) to++;
      const usage = new Set(lines.slice(from, to).join(' ').match(/--[a-z-]+/g) ?? []);
      const options = new Set(help.match(/^\s+--[a-z-]+/gm)?.map((f) => f.trim()) ?? []);
      for (const f of usage) expect(flags, `README row of twin ${cmd} lacks ${f}`).toContain(f);
      for (const f of flags) expect(usage.has(f) || options.has(f), `twin ${cmd} --help has no ${f}`).toBe(true);
    }
  });

  it('exits 2 naming an unknown command or flag', () => {
    const a = twin(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown command "frobnicate"');
    const b = twin(['serve', '--bogus']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe('twin serve: unknown option --bogus (twin serve --help lists them)');
    const c = twin(['serve', '--port', 'eighty']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--port must be an integer');
  });

  it('exits 2 naming the file when serve is given a model that is not IFC', () => {
    const r = twin(['serve', '--port', '0', '--model', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package\.json: not an IFC file/);
  });

  it('exits 2 naming the path when serve is given a recording that is not there (it started as usual, the error only in its log)', () => {
    const r = twin(['serve', '--port', '0', '--no-record', '--source', 'file:no-such-dir/day.mcap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/twin serve: --source file:no-such-dir\/day\.mcap: .*no-such-dir\/day\.mcap: no such file or folder/);
  });
});

/**
 * Folders are process boundaries (STYLE.md habit 1, as VS Code's layer rule): this test reads
 * every import in the tree and fails on one that crosses a boundary, naming the file and import.
 *   common/    plain TS: no Node, no Electron, no DOM libraries, nothing from main/renderer/workers
 *   workers/   no Electron, nothing from main/ or renderer/; Node built-ins only in *.thread.ts and
 *              files under a `node/` folder (adapters the CLI uses)
 *   renderer/  no Node built-ins, no Electron, nothing from main/
 *   main/      nothing from renderer/; only main/electron/ may import 'electron'
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(__dirname, '..', '..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...files(p));
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) found.push((m[1] ?? m[2])!);
  return found;
}

function topFolder(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(root, resolve(root, dirname(fromFile), spec)).split(sep)[0] ?? null;
}

const isNode = (s: string) => s.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'stream', 'url', 'zlib'].includes(s);

function violations(folder: string, rule: (file: string, spec: string) => string | null): string[] {
  const out: string[] = [];
  for (const f of files(folder)) for (const spec of importsOf(f)) {
    const why = rule(f, spec);
    if (why) out.push(`${f}: import '${spec}' — ${why}`);
  }
  return out;
}

describe('process boundaries', () => {
  it('common/ is plain TypeScript', () => {
    expect(
      violations('common', (f, s) => {
        if (isNode(s)) return 'Node built-in in common/';
        if (s === 'electron' || s === 'three' || s.startsWith('@deck.gl')) return 'runtime-specific library in common/';
        const top = topFolder(f, s);
        return top && top !== 'common' ? `common/ must not depend on ${top}/` : null;
      }),
    ).toEqual([]);
  });

  it('workers/ use neither Electron nor main/renderer, and Node only in thread entries and node/ adapters', () => {
    expect(
      violations('workers', (f, s) => {
        if (s === 'electron') return 'Electron in a worker';
        const nodeOk = f.endsWith('.thread.ts') || f.split(sep).includes('node');
        if (isNode(s) && !nodeOk) return 'Node built-in outside a *.thread.ts or node/ adapter';
        const top = topFolder(f, s);
        return top === 'main' || top === 'renderer' ? `workers/ must not depend on ${top}/` : null;
      }),
    ).toEqual([]);
  });

  it('renderer/ uses neither Node nor Electron nor main/', () => {
    expect(
      violations('renderer', (f, s) => {
        if (isNode(s)) return 'Node built-in in the page';
        if (s === 'electron') return 'Electron in the page (use the preload API)';
        return topFolder(f, s) === 'main' ? 'renderer/ must not depend on main/' : null;
      }),
    ).toEqual([]);
  });

  it('main/ never imports the renderer, and only main/electron imports electron', () => {
    expect(
      violations('main', (f, s) => {
        if (s === 'electron' && !f.startsWith(`main${sep}electron${sep}`)) return 'only main/electron/ may import electron';
        return topFolder(f, s) === 'renderer' ? 'main/ must not depend on renderer/' : null;
      }),
    ).toEqual([]);
  });
});

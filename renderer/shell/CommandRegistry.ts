/**
 * Commands by id, with optional key chords. The shell, features, native menus (`command` API
 * events) and the shortcuts overlay all go through here.
 *
 * When two commands claim the same chord, the one registered last wins (a feature may take over
 * a shell default, e.g. F = fit to selection instead of fit to view); dispose restores the older one.
 */
import type { Disposer } from '../../common/source.js';
import type { CommandSpec } from './WorkbenchContext.js';
import { matchesKeyChord, parseKeyChord, type KeyChord, type KeyLike } from './keyChord.js';
import { ListenerSet } from '../api/ListenerSet.js';

interface Entry {
  spec: CommandSpec;
  chord: KeyChord | null;
  seq: number;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Entry>();
  private seq = 0;
  private readonly changed = new ListenerSet<void>();

  register(spec: CommandSpec): Disposer {
    if (this.commands.has(spec.id)) throw new Error(`CommandRegistry: command "${spec.id}" is already registered`);
    const entry: Entry = { spec, chord: spec.key ? parseKeyChord(spec.key) : null, seq: this.seq++ };
    this.commands.set(spec.id, entry);
    this.changed.fire();
    return () => {
      if (this.commands.get(spec.id) === entry) {
        this.commands.delete(spec.id);
        this.changed.fire();
      }
    };
  }

  has(id: string): boolean {
    return this.commands.has(id);
  }

  async run(id: string, arg?: string): Promise<void> {
    const entry = this.commands.get(id);
    if (!entry) throw new Error(`unknown command "${id}" (registered: ${[...this.commands.keys()].sort().join(', ') || 'none'})`);
    await entry.spec.run(arg);
  }

  /** The command a key event triggers, if any (latest registration wins). */
  forKey(e: KeyLike): CommandSpec | null {
    let best: Entry | null = null;
    for (const entry of this.commands.values()) {
      if (entry.chord && matchesKeyChord(entry.chord, e) && (!best || entry.seq > best.seq)) best = entry;
    }
    return best?.spec ?? null;
  }

  /** Commands that have a key, in registration order, with whether a later one shadows the key. */
  shortcuts(): { spec: CommandSpec; shadowed: boolean }[] {
    const withKeys = [...this.commands.values()].filter((e) => e.chord).sort((a, b) => a.seq - b.seq);
    return withKeys.map((e) => ({
      spec: e.spec,
      shadowed: withKeys.some((o) => o.seq > e.seq && sameChord(o.chord!, e.chord!)),
    }));
  }

  onDidChange(cb: () => void): Disposer {
    return this.changed.add(cb);
  }

  dispose(): void {
    this.commands.clear();
    this.changed.clear();
  }
}

function sameChord(a: KeyChord, b: KeyChord): boolean {
  return a.key === b.key && a.ctrl === b.ctrl && a.alt === b.alt && a.shift === b.shift;
}

/**
 * Persisted user settings (settings.json in the user-data folder), validated on load and on every
 * change: a corrupt or hand-edited file falls back to defaults field by field, never crashes.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../common/api.js';

export class SettingsStore {
  private current: Settings;

  constructor(private readonly file: string, private readonly log: (level: 'warn', msg: string) => void = () => {}) {
    this.current = this.load();
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Merges and validates a partial update; invalid values throw with the field name. */
  set(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    this.current = next;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2));
    renameSync(tmp, this.file);
    return this.get();
  }

  /** Adds a path to the front of a recent list (deduplicated, at most 10). */
  addRecent(list: 'recentModels' | 'recentRecordings', path: string): Settings {
    const items = [path, ...this.current[list].filter((p) => p !== path)].slice(0, 10);
    return this.set({ [list]: items });
  }

  private load(): Settings {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log('warn', `settings: ${this.file} unreadable (${(e as Error).message}); using defaults`);
      return structuredClone(DEFAULT_SETTINGS);
    }
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw)) {
        if (!(key in DEFAULT_SETTINGS)) continue;
        const field = SettingsSchema.shape[key as keyof Settings];
        if (field.safeParse(value).success) merged[key] = value;
        else this.log('warn', `settings: ${this.file}: field "${key}" invalid; using default`);
      }
    }
    return SettingsSchema.parse(merged);
  }
}

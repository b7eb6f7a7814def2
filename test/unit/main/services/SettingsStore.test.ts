import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SettingsStore } from '../../../../main/services/SettingsStore';
import { DEFAULT_SETTINGS } from '../../../../common/api';

const dir = () => mkdtempSync(join(tmpdir(), 'twin-settings-'));

describe('SettingsStore', () => {
  it('starts from defaults and persists changes across instances', () => {
    const file = join(dir(), 'settings.json');
    const a = new SettingsStore(file);
    expect(a.get()).toEqual(DEFAULT_SETTINGS);
    a.set({ theme: 'light', layout: 'plan' });
    expect(new SettingsStore(file).get()).toMatchObject({ theme: 'light', layout: 'plan' });
  });

  it('keeps the valid fields of a hand-edited file and warns about the bad ones', () => {
    const file = join(dir(), 'settings.json');
    writeFileSync(file, JSON.stringify({ theme: 'light', privacyK: -3, unknown: 1 }));
    const warnings: string[] = [];
    const s = new SettingsStore(file, (_l, m) => warnings.push(m));
    expect(s.get().theme).toBe('light');
    expect(s.get().privacyK).toBe(DEFAULT_SETTINGS.privacyK);
    expect(warnings.join()).toContain('privacyK');
  });

  it('survives a corrupt file and rejects invalid updates without writing them', () => {
    const file = join(dir(), 'settings.json');
    writeFileSync(file, '{{{');
    const s = new SettingsStore(file, () => {});
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(() => s.set({ staleAfterSeconds: -5 })).toThrow(/staleAfterSeconds/);
    s.set({ theme: 'light' });
    expect(JSON.parse(readFileSync(file, 'utf8')).staleAfterSeconds).toBe(DEFAULT_SETTINGS.staleAfterSeconds);
  });

  it('keeps recent files deduplicated, newest first, at most 10', () => {
    const s = new SettingsStore(join(dir(), 'settings.json'));
    for (let i = 0; i < 12; i++) s.addRecent('recentModels', `/m/${i}.ifc`);
    s.addRecent('recentModels', '/m/5.ifc');
    const recent = s.get().recentModels;
    expect(recent).toHaveLength(10);
    expect(recent[0]).toBe('/m/5.ifc');
    expect(new Set(recent).size).toBe(10);
  });
});

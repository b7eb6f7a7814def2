/**
 * User settings as the page sees them (source of truth: main's SettingsStore, via `settings.get`
 * / `settings.set`). The page applies a change locally at once, then persists it; if main refuses,
 * the store reverts to what main holds.
 */
import { createStore } from 'zustand/vanilla';
import { DEFAULT_SETTINGS, type Settings } from '../../common/api.js';

export interface SettingsState {
  settings: Settings;
  /** True once main's settings have been read (until then the defaults show). */
  loaded: boolean;
}

export const settingsStore = createStore<SettingsState>(() => ({ settings: { ...DEFAULT_SETTINGS }, loaded: false }));

export function patchSettings(patch: Partial<Settings>): void {
  settingsStore.setState((s) => ({ settings: { ...s.settings, ...patch } }));
}

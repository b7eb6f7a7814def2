import { describe, it, expect } from 'vitest';
import { keyChordLabels, matchesKeyChord, parseKeyChord, KeyChordError } from '../../../../renderer/shell/keyChord.js';

const ev = (key: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  key,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe('key chords', () => {
  it('Ctrl+O matches Ctrl+o and ⌘+o, not a bare o or Ctrl+Shift+O', () => {
    const c = parseKeyChord('Ctrl+O');
    expect(matchesKeyChord(c, ev('o', { ctrl: true }))).toBe(true);
    expect(matchesKeyChord(c, ev('o', { meta: true }))).toBe(true);
    expect(matchesKeyChord(c, ev('o'))).toBe(false);
    expect(matchesKeyChord(c, ev('O', { ctrl: true, shift: true }))).toBe(false);
  });

  it('a bare letter does not fire with Ctrl held (T theme vs Ctrl+T)', () => {
    const c = parseKeyChord('T');
    expect(matchesKeyChord(c, ev('t'))).toBe(true);
    expect(matchesKeyChord(c, ev('t', { ctrl: true }))).toBe(false);
  });

  it('"?" matches whatever shift state produced it', () => {
    expect(matchesKeyChord(parseKeyChord('?'), ev('?', { shift: true }))).toBe(true);
    expect(matchesKeyChord(parseKeyChord('?'), ev('/', { shift: false }))).toBe(false);
  });

  it('Shift on the , and . keys is the timeline’s fine step ("<" ">") on any layout, not the 1 s step', () => {
    // A planner's Shift+. stepped 1 s where the README says 0.1 s: the event said key "." with the shift held.
    const fine = parseKeyChord('>'), coarse = parseKeyChord('.');
    const shiftDot = { ...ev('.', { shift: true }), code: 'Period' }, germanShiftDot = { ...ev(':', { shift: true }), code: 'Period' };
    for (const e of [{ ...ev('>', { shift: true }), code: 'Period' }, shiftDot, germanShiftDot]) {
      expect([matchesKeyChord(fine, e), matchesKeyChord(coarse, e)]).toEqual([true, false]);
    }
    expect([matchesKeyChord(fine, { ...ev('.'), code: 'Period' }), matchesKeyChord(coarse, { ...ev('.'), code: 'Period' })]).toEqual([false, true]);
    expect(matchesKeyChord(parseKeyChord('<'), { ...ev(',', { shift: true }), code: 'Comma' })).toBe(true);
    expect(matchesKeyChord(parseKeyChord('<'), { ...ev(',', { shift: true, ctrl: true }), code: 'Comma' })).toBe(false);
  });

  it('names keys: Space, Escape, Shift+D', () => {
    expect(matchesKeyChord(parseKeyChord('Space'), ev(' '))).toBe(true);
    expect(matchesKeyChord(parseKeyChord('Escape'), ev('Escape'))).toBe(true);
    expect(matchesKeyChord(parseKeyChord('Shift+D'), ev('D', { shift: true }))).toBe(true);
    expect(matchesKeyChord(parseKeyChord('Shift+D'), ev('d'))).toBe(false);
  });

  it('rejects a chord with no key, naming it', () => {
    expect(() => parseKeyChord('Ctrl+')).toThrow(KeyChordError);
    expect(() => parseKeyChord('Ctrl+')).toThrow(/"Ctrl\+"/);
  });

  it('labels chords for the shortcuts overlay', () => {
    expect(keyChordLabels('Ctrl+O')).toEqual(['Ctrl', 'O']);
    expect(keyChordLabels('Ctrl+O', true)).toEqual(['⌘', 'O']);
    expect(keyChordLabels('Space')).toEqual(['Space']);
  });
});

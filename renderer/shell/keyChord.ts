/**
 * Keyboard chords as written in command specs ("Ctrl+O", "Shift+D", "F", "1", "?", "Space",
 * "Escape") and their matching against keyboard events.
 *
 * "Ctrl" means Ctrl or ⌘ (so Ctrl+O works on macOS). For printable symbols such as "?" the
 * shift state is part of the character, so it is not compared.
 */
export interface KeyChord {
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  /** Lower-case key name as in KeyboardEvent.key ("o", "1", "?", " ", "escape", "arrowleft"). */
  key: string;
}

/** The event fields matching needs (a KeyboardEvent satisfies it). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** Physical key ("Period"); optional. */
  code?: string;
}

/**
 * Shifted symbols by the physical key they are Shift plus on a US layout: "<" and ">" (the timeline's 0.1 s steps)
 * are Shift+, and Shift+. wherever the layout puts other characters there (":" and ";" on a German one), and a
 * synthetic Shift+. reports key "." with the shift held. Shift on those keys means the shifted chord, not "," or ".".
 */
const SHIFTED_ON: Record<string, string> = { '<': 'Comma', '>': 'Period' };
const PLAIN_ON: Record<string, string> = { ',': 'Comma', '.': 'Period' };

const NAMED: Record<string, string> = { space: ' ', esc: 'escape', del: 'delete', plus: '+' };

export class KeyChordError extends Error {
  override readonly name = 'KeyChordError';
}

export function parseKeyChord(spec: string): KeyChord {
  const parts = spec.split('+').map((p) => p.trim());
  // "Ctrl++" / "+": the key itself is a plus sign.
  if (spec.endsWith('++') || spec === '+') {
    parts.splice(parts.length - 2, 2, '+');
  }
  const chord: KeyChord = { ctrl: false, shift: false, alt: false, key: '' };
  for (const [i, raw] of parts.entries()) {
    const p = raw.toLowerCase();
    const last = i === parts.length - 1;
    if (!last && (p === 'ctrl' || p === 'cmd' || p === 'mod' || p === 'meta')) chord.ctrl = true;
    else if (!last && p === 'shift') chord.shift = true;
    else if (!last && (p === 'alt' || p === 'option')) chord.alt = true;
    else if (last && p.length > 0) chord.key = NAMED[p] ?? p;
    else throw new KeyChordError(`key "${spec}": expected modifiers (Ctrl, Shift, Alt) followed by one key, e.g. "Ctrl+O"`);
  }
  return chord;
}

/** Whether a character key's shift state is implied by the character ("?", "!", "+"). */
function isSymbol(key: string): boolean {
  return key.length === 1 && !/[a-z0-9 ]/.test(key);
}

export function matchesKeyChord(chord: KeyChord, e: KeyLike): boolean {
  const key = e.key.toLowerCase();
  const shiftedOn = SHIFTED_ON[chord.key], plainOn = PLAIN_ON[chord.key];
  if (shiftedOn && e.shiftKey && e.code === shiftedOn) return !(e.ctrlKey || e.metaKey || e.altKey);
  if (plainOn && e.shiftKey && e.code === plainOn) return false;
  if (key !== chord.key) return false;
  if ((e.ctrlKey || e.metaKey) !== chord.ctrl) return false;
  if (e.altKey !== chord.alt) return false;
  if (!isSymbol(chord.key) && e.shiftKey !== chord.shift) return false;
  return true;
}

/** A chord for display: "Ctrl+O" → ["Ctrl", "O"] (⌘ on macOS). */
export function keyChordLabels(spec: string, mac = false): string[] {
  const c = parseKeyChord(spec);
  const out: string[] = [];
  if (c.ctrl) out.push(mac ? '⌘' : 'Ctrl');
  if (c.alt) out.push(mac ? '⌥' : 'Alt');
  if (c.shift) out.push('Shift');
  const k = c.key === ' ' ? 'Space' : c.key.length === 1 ? c.key.toUpperCase() : c.key[0]!.toUpperCase() + c.key.slice(1);
  out.push(k);
  return out;
}

/** Remembers the window's bounds and maximised state across launches (window-state.json in user data). */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const StateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(640).max(16384),
  height: z.number().int().min(480).max(16384),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof StateSchema>;

const DEFAULT: WindowState = { width: 1440, height: 900, maximized: false };

export function loadWindowState(file: string): WindowState {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT;
  } catch {
    return DEFAULT;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(state));
  } catch {
    // Losing the window position is not worth interrupting quit for.
  }
}

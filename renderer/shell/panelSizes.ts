/**
 * Panel sizes survive a reload (localStorage, per origin): they are a property of this screen,
 * not a setting worth syncing through main. Values are validated on load; junk is ignored.
 */
import { z } from 'zod';
import type { LayoutState } from '../stores/layoutStore.js';

const KEY = 'twin.panelSizes.v1';
const Schema = z.object({
  leftWidth: z.number().min(0).max(4000),
  rightWidth: z.number().min(0).max(4000),
  bottomHeight: z.number().min(0).max(4000),
  splitRatio: z.number().min(0.2).max(0.8),
});
type Sizes = z.infer<typeof Schema>;

export const panelSizes = {
  load(): Partial<Sizes> {
    try {
      const raw = localStorage.getItem(KEY);
      if (!raw) return {};
      const parsed = Schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  },
  save(s: Pick<LayoutState, 'leftWidth' | 'rightWidth' | 'bottomHeight' | 'splitRatio'>): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ leftWidth: s.leftWidth, rightWidth: s.rightWidth, bottomHeight: s.bottomHeight, splitRatio: s.splitRatio }));
    } catch {
      // storage full or disabled: sizes just do not persist
    }
  },
};

/**
 * Where the section plane cuts when it is switched on without a height: 1.2 m above the floor of
 * the storey the plan shows (the storey chosen in the storey selector, else the entrance level), the
 * height at which a floor plan is drawn; without storeys, 1.2 m above the lowest storey or the
 * model's base. Always within the model's height.
 */
import { planStorey, type LayoutState } from '../../stores/layoutStore.js';
import type { ModelState } from '../../stores/modelStore.js';

export const PLAN_CUT_M = 1.2;

export function defaultSectionHeight(model: Pick<ModelState, 'summary' | 'storeys'>, layout: Pick<LayoutState, 'storeys' | 'activeStorey'>): number | null {
  if (!model.summary) return null;
  const [, minY, , , maxY] = model.summary.bounds;
  const floor = planStorey(layout)?.elevation ?? model.storeys[0]?.elevation ?? minY;
  return Math.min(maxY, Math.max(minY, floor + PLAN_CUT_M));
}

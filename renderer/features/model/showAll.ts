/**
 * "Show all" (Model panel button, command model.showAll): every element and every storey drawn
 * again, and the storey selector on "All".
 *
 * The selector's storey means, in 3D, "this storey seen from above: the storeys over it hidden"
 * (storeysAbove), and it limits the 3D markers and density to that storey; "All" means every storey
 * drawn. After Show all every storey is drawn, so a selector left on one storey claimed a cut the
 * view no longer made (duplex: 'Level 1' lit while Level 2 and Roof were back on). The plan, one
 * storey at a time, then shows what "All" shows there: the entrance level.
 */
import { layoutStore } from '../../stores/layoutStore.js';
import { modelActions } from '../../stores/modelStore.js';

export function showAll(): void {
  if (layoutStore.getState().activeStorey !== null) layoutStore.setState({ activeStorey: null });
  modelActions.showAll();
}

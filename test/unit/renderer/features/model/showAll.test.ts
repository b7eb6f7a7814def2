/**
 * "Show all" and the storey selector agree: with the selector on Level 1 (storeys above hidden in
 * 3D), Show all drew every storey but left the selector on 'Level 1' (duplex). Now the selector goes
 * to "All", which is what the 3D view then shows.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { showAll } from '../../../../../renderer/features/model/showAll.js';
import { layoutStore } from '../../../../../renderer/stores/layoutStore.js';
import { initialModelState, modelStore } from '../../../../../renderer/stores/modelStore.js';

const storeys = [
  { index: 0, name: 'T/FDN', elevation: -1.25 },
  { index: 1, name: 'Level 1', elevation: 0 },
  { index: 2, name: 'Level 2', elevation: 3.1 },
  { index: 3, name: 'Roof', elevation: 6 },
];

describe('Show all', () => {
  beforeEach(() => {
    modelStore.setState({ ...initialModelState, status: 'ready', storeys: storeys.map((s) => ({ ...s, expressID: 100 + s.index, globalId: '' })), hiddenStoreys: [2, 3], hiddenRows: [7], xrayRows: [1] });
    layoutStore.setState({ storeys, activeStorey: 1 });
  });

  it('draws every storey and element and puts the storey selector on All', () => {
    showAll();
    expect(modelStore.getState()).toMatchObject({ hiddenStoreys: [], hiddenRows: [], isolatedRows: null, xrayRows: null });
    expect(layoutStore.getState().activeStorey).toBeNull();
  });

  it('leaves a selector already on All as it is', () => {
    layoutStore.setState({ activeStorey: null });
    const before = layoutStore.getState();
    showAll();
    expect(layoutStore.getState()).toBe(before);
  });
});

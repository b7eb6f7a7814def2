/**
 * The model store's selection: picking the element that is already selected (a second click on
 * the same wall in the 3D view or the Model tree) must leave its properties on show. Before, it set
 * them back to "loading" while the controller fetched only on a change of selection, so the
 * Properties panel read "Reading properties of #5548…" for good (duplex, wall #5548).
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { modelActions, modelStore, initialModelState } from '../../../../renderer/stores/modelStore.js';
import type { ElementProperties } from '../../../../workers/ifc/geometry/readElementProperties.js';

const wall: ElementProperties = {
  expressID: 5548,
  type: 'IfcWallStandardCase',
  globalId: '2O2Fr$t4X7Zf8NOew3FLOH',
  name: 'Basic Wall:Exterior - Brick on Block:143534',
  typeObject: null,
  attributes: [{ name: 'Tag', value: '143534' }],
  propertySets: [{ expressID: 1, name: 'Pset_WallCommon', rows: [{ name: 'IsExternal', value: true }], fromType: false }],
  quantities: [],
};

describe('model store selection', () => {
  beforeEach(() => modelStore.setState({ ...initialModelState, status: 'ready' }));

  it('keeps the properties shown when the selected element is picked again', () => {
    modelActions.select(5548);
    expect(modelStore.getState().properties).toEqual({ expressID: 5548, state: 'loading' });
    modelActions.propertiesLoaded(5548, wall);
    modelActions.select(5548);
    expect(modelStore.getState().properties).toEqual({ expressID: 5548, state: 'ready', data: wall });
  });

  it('reads the properties again when a failed element is picked again, and afresh for another element', () => {
    modelActions.select(5548);
    modelActions.propertiesFailed(5548, 'Properties of #5548: worker restarted');
    modelActions.select(5548);
    expect(modelStore.getState().properties).toEqual({ expressID: 5548, state: 'loading' });
    modelActions.propertiesLoaded(5548, wall);
    modelActions.select(6000);
    expect(modelStore.getState()).toMatchObject({ selected: 6000, properties: { expressID: 6000, state: 'loading' } });
    modelActions.select(null);
    expect(modelStore.getState()).toMatchObject({ selected: null, properties: null });
  });
});

/**
 * Where the section plane cuts when it is switched on without a height. Before, ticking "Section"
 * in the Model panel cut at the slider's start, the model's top (duplex: 6.60 m, above the roof),
 * so nothing in the 3D view changed; now it cuts 1.2 m above the floor the plan shows.
 */
import { describe, expect, it } from 'vitest';
import { defaultSectionHeight } from '../../../../../renderer/features/model/sectionDefault.js';
import type { ModelSummary } from '../../../../../workers/ifc/geometry/ProcessedModel.js';
import type { StoreyInfo } from '../../../../../renderer/stores/layoutStore.js';

// The duplex: foundation below the entrance level, bounds from -1.3 m to 6.6 m.
const summary = { bounds: [0, -1.3, 0, 10, 6.6, 20] } as unknown as ModelSummary;
const model = { summary, storeys: [{ expressID: 47, globalId: 'a', name: 'T/FDN', elevation: -1.25 }, { expressID: 39, globalId: 'b', name: 'Level 1', elevation: 0 }] };
const layout: StoreyInfo[] = [
  { index: 0, name: 'T/FDN', elevation: -1.25, use: { exits: 0, spaces: 0, walkableArea: 131 } },
  { index: 1, name: 'Level 1', elevation: 0, use: { exits: 2, spaces: 6, walkableArea: 122 } },
  { index: 2, name: 'Level 2', elevation: 3.1, use: { exits: 0, spaces: 5, walkableArea: 114 } },
  { index: 3, name: 'Roof', elevation: 6, use: { exits: 0, spaces: 1, walkableArea: 135 } },
];

describe('default section height', () => {
  it('cuts 1.2 m above the storey the plan shows: the entrance level, or the storey chosen', () => {
    expect(defaultSectionHeight(model, { storeys: layout, activeStorey: null })).toBeCloseTo(1.2);
    expect(defaultSectionHeight(model, { storeys: layout, activeStorey: 2 })).toBeCloseTo(4.3);
  });

  it('stays within the model, and falls back to its lowest storey or base without a layout', () => {
    expect(defaultSectionHeight(model, { storeys: layout, activeStorey: 3 })).toBeCloseTo(6.6);
    expect(defaultSectionHeight(model, { storeys: [], activeStorey: null })).toBeCloseTo(-0.05);
    expect(defaultSectionHeight({ summary, storeys: [] }, { storeys: [], activeStorey: null })).toBeCloseTo(-0.1);
    expect(defaultSectionHeight({ summary: null, storeys: [] }, { storeys: layout, activeStorey: null })).toBeNull();
  });
});

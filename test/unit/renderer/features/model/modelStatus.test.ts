import { describe, expect, it } from 'vitest';
import { modelStatusText, modelStatusTitle, modelTitleWithout } from '../../../../../renderer/features/model/modelStatus';

describe('status bar model item', () => {
  it('reads the file and its elements, not "31 draw calls"', () => {
    expect(modelStatusText('duplex.ifc', { elementCount: 215 })).toBe('duplex.ifc · 215 elements drawn');
    expect(modelStatusText('one.ifc', { elementCount: 1 })).toBe('one.ifc · 1 element drawn');
  });

  it('keeps how it was opened and drawn in the tooltip, in words', () => {
    expect(modelStatusTitle({ loadMs: 420, fromCache: true, triangleCount: 12345 }, 31))
      .toBe('opened in 0.42 s from the cache · 12 345 triangles drawn in 31 batches (one per storey and material)');
    expect(modelStatusTitle({ loadMs: 1500, fromCache: false, triangleCount: 1098 }, 1)).toBe('opened in 1.50 s · 1 098 triangles drawn in 1 batch (one per storey and material)');
  });

  it('names the model being loaded instead of "No model loaded" while the first one loads', () => {
    expect(modelTitleWithout({ status: 'loading', progress: { fileName: 'testbed-complex.ifc' } })).toBe('Loading testbed-complex.ifc…');
    expect(modelTitleWithout({ status: 'empty', progress: null })).toBe('No model loaded');
    expect(modelTitleWithout({ status: 'error', progress: null })).toBe('Model failed to load');
  });
});

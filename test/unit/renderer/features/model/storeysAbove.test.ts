import { describe, expect, it } from 'vitest';
import { storeysAbove } from '../../../../../renderer/features/model/storeysAbove.js';

const model = [
  { index: 0, name: '1F', elevation: 0 },
  { index: 1, name: '2F', elevation: 4 },
  { index: 2, name: '3F', elevation: 8 },
];

describe('storeysAbove (storey selector in 3D)', () => {
  it('hides the storeys above the chosen one and none for "All"', () => {
    expect(storeysAbove(model, model, 0)).toEqual([1, 2]);
    expect(storeysAbove(model, model, 1)).toEqual([2]);
    expect(storeysAbove(model, model, 2)).toEqual([]);
    expect(storeysAbove(model, model, null)).toEqual([]);
  });

  it('matches selector storeys published by someone else by name, then by elevation', () => {
    const fromTelemetry = [{ index: 7, name: '2F', elevation: 123 }];
    expect(storeysAbove(model, fromTelemetry, 7)).toEqual([2]);
    const unnamed = [{ index: 3, name: 'Level 1', elevation: 4.01 }];
    expect(storeysAbove(model, unnamed, 3)).toEqual([2]);
    expect(storeysAbove(model, unnamed, 99)).toEqual([]);
  });
});

import { describe, it, expect } from 'vitest';
import { planStorey } from '../../../../renderer/stores/layoutStore.js';

const storeys = [
  { index: 1, name: '2F', elevation: 4 },
  { index: 0, name: '1F', elevation: 0 },
  { index: 2, name: '3F', elevation: 8 },
];

describe('the storey the plan draws', () => {
  it('is the chosen storey', () => {
    expect(planStorey({ storeys, activeStorey: 2 })?.name).toBe('3F');
  });
  it('is the lowest storey when "all" is chosen (a plan is one storey)', () => {
    expect(planStorey({ storeys, activeStorey: null })?.name).toBe('1F');
  });
  it('is none without storeys', () => {
    expect(planStorey({ storeys: [], activeStorey: null })).toBeNull();
  });
});

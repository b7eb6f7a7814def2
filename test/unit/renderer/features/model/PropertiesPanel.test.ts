import { describe, expect, it } from 'vitest';
import { formatValue, placementRows } from '../../../../../renderer/features/model/PropertiesPanel.js';

describe('Properties panel values', () => {
  it('shows a measure without the STEP type web-ifc names it by (office-a wall: "Length 13.341", not "13.341 IFCLENGTHMEASURE")', () => {
    // web-ifc gives NominalValue.name in upper case; the panel only dropped "Ifc…" spelt in mixed case.
    expect(formatValue({ name: 'Length', value: 13.341, valueType: 'IFCLENGTHMEASURE' })).toBe('13.341');
    expect(formatValue({ name: 'Location Line', value: 3, valueType: 'IFCINTEGER' })).toBe('3');
    expect(formatValue({ name: 'Base Offset', value: 0, valueType: 'IfcLengthMeasure' })).toBe('0');
  });

  it('keeps a quantity’s unit and the other kinds of value', () => {
    expect(formatValue({ name: 'NetArea', value: 43.7512, valueType: 'm²' })).toBe('43.751 m²');
    expect(formatValue({ name: 'Count', value: 2 })).toBe('2');
    expect(formatValue({ name: 'Reference', value: 'Basic Wall', valueType: 'IFCIDENTIFIER' })).toBe('Basic Wall');
    expect(formatValue({ name: 'IsExternal', value: false, valueType: 'IFCBOOLEAN' })).toBe('false');
    expect(formatValue({ name: 'Description', value: null })).toBe('—');
  });
});

describe('Properties panel: storey and type object above the attributes', () => {
  it('names the storey and the type object (class and name); no Type row for an element without one', () => {
    const door = { typeObject: { expressID: 6639, ifcClass: 'IfcDoorStyle', name: '1250mm x 2010mm' } };
    expect(placementRows(door, 'Level 1').map((r) => [r.name, formatValue(r)])).toEqual([['Storey', 'Level 1'], ['Type', "IfcDoorStyle '1250mm x 2010mm'"]]);
    expect(placementRows({ typeObject: null }, 'Level 2').map((r) => r.name)).toEqual(['Storey']);
    expect(placementRows({ typeObject: { expressID: 35265, ifcClass: 'IfcMemberType', name: '' } }, null).map(formatValue)).toEqual(['—', 'IfcMemberType']);
  });
});

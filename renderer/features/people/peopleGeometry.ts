/**
 * Building geometry for people flow, from what the page knows: the testbed layout (built-in
 * simulator) or a loaded IFC's structure.
 */
import type { TestbedLayout } from '../../../common/testbedLayout.js';
import type { BuildingStructure } from '../../../common/buildingStructure.js';
import { flowGeometryFromLayout } from '../../../workers/peopleflow/flowGeometryFromLayout.js';
import { flowGeometryFromStructure } from '../../../workers/peopleflow/flowGeometryFromStructure.js';
import { walkableFromLayout } from '../../../workers/positioning/walkableFromLayout.js';
import { walkableFromStructure } from '../../../workers/positioning/walkableFromStructure.js';
import type { PeopleGeometry } from './PeopleModel.js';

export function peopleGeometryFromLayout(layout: TestbedLayout, label = 'testbed layout'): PeopleGeometry {
  const walk = walkableFromLayout(layout);
  return { label, flow: flowGeometryFromLayout(layout), walkable: walk.maps, floors: walk.floors };
}

export function peopleGeometryFromStructure(structure: BuildingStructure, label: string): PeopleGeometry {
  const walk = walkableFromStructure(structure);
  return { label, flow: flowGeometryFromStructure(structure), walkable: walk.maps, floors: walk.floors };
}

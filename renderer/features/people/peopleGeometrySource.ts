/**
 * Which building geometry people flow is measured on (issue 6):
 *  - 'structure': the loaded IFC's spaces and doors (main's extracted structure) — whenever a
 *    model's structure is ready and that model is not the built-in testbed building;
 *  - 'testbed': the testbed layout, when the source is the built-in `testbed:` simulator and the
 *    model (if any) is the generated testbed building (`testbed*.ifc`, the default sample): its
 *    positions are in that layout's frame and floor names;
 *  - null: nothing to measure on (counts from the source are still shown).
 * A loaded foreign IFC wins over the testbed layout even with the testbed source: the plan shows
 * that model, and the planner's lines are drawn on it.
 */
export type PeopleGeometrySource = 'structure' | 'testbed' | null;

export interface GeometryInputs {
  /** The session's source URI ('' when none). */
  sourceUri: string;
  /** The session's model file name, null without a model. */
  modelName: string | null;
  /** The model's structure is loaded. */
  structureReady: boolean;
}

export function isTestbedModel(name: string | null): boolean {
  return name !== null && /^testbed[\w.-]*\.ifc$/i.test(name);
}

export function peopleGeometrySource(i: GeometryInputs): PeopleGeometrySource {
  const testbedSource = i.sourceUri.startsWith('testbed:');
  if (testbedSource && (i.modelName === null || isTestbedModel(i.modelName))) return 'testbed';
  if (i.structureReady) return 'structure';
  return testbedSource ? 'testbed' : null;
}

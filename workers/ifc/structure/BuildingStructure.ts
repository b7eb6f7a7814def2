/**
 * The building structure types live in common/buildingStructure.ts (the API carries them to the
 * renderer and main-side services use them); re-exported here for the extraction code.
 */
export * from '../../../common/buildingStructure.js';

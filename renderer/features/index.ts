/**
 * The features the workbench activates, in order (each registers its panels, commands, layers
 * and 3D objects through the WorkbenchContext; order decides tab order ties and key overrides).
 */
import type { Feature } from '../shell/WorkbenchContext.js';
import { modelFeature } from './model/index.js';
import { entitiesFeature } from './entities/index.js';
import { peopleFeature } from './people/index.js';
import { alertsFeature } from './alerts/index.js';
import { replayFeature } from './replay/index.js';
import { simulationFeature } from './simulation/index.js';
import { structureFeature } from './structure/index.js';

export const FEATURES: Feature[] = [modelFeature, structureFeature, entitiesFeature, peopleFeature, alertsFeature, replayFeature, simulationFeature];

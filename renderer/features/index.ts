/**
 * The features the workbench activates, in order (each registers its panels, commands, layers
 * and 3D objects through the WorkbenchContext; order decides tab order ties and key overrides).
 */
import type { Feature } from '../shell/WorkbenchContext.js';

export const FEATURES: Feature[] = [];

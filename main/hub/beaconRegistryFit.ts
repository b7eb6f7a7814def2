/**
 * Whether people positions can be trusted: the beacon registry positioning uses, where it came from, and
 * how well it fits the recent scans (workers/positioning/RegistryFit), as the status the page shows
 * (SourceStatus.positioning) and the warning behind the `beacon-registry` alert.
 *
 * Thresholds, with hysteresis so a share near one does not raise and clear the alert by turns: the warning
 * starts at RAISE (half the entries name unknown beacons, or a fifth of the judged scans misfit) and ends
 * below CLEAR (half those). Against its own registry the testbed's scans give 0 % of either; against beacons
 * placed on the sample building, 74 % unknown and 37 % misfits (RegistryFit's comment).
 */
import type { PositioningStatus, RegistryOrigin } from '../../common/source.js';
import type { RegistryFitSummary } from '../../workers/positioning/RegistryFit.js';

export const RAISE = { unknown: 0.5, misfit: 0.2 } as const;
export const CLEAR = { unknown: 0.25, misfit: 0.1 } as const;
/** Scans needed before anything is judged (a few scans say nothing). */
export const MIN_SCANS = 100;
/** Judged scans (two strongest beacons on one floor) needed before the misfit share counts. */
export const MIN_JUDGED = 50;

const pct = (x: number): string => `${Math.round(100 * x)} %`;

const REMEDY: Record<RegistryOrigin, string> = {
  model: 'The workbench placed these beacons on the model because neither the source nor you gave a registry: load the deployment\'s beacon registry (Source health → Load beacon registry…, or --beacons FILE).',
  file: 'Check that the registry you loaded is this deployment\'s.',
  source: 'The source\'s own registry does not match its scans.',
};

/**
 * The warning for this fit, or null. `warned`: whether the previous check warned (hysteresis: a warning
 * holds until both shares fall below CLEAR).
 */
export function registryWarning(fit: RegistryFitSummary, origin: RegistryOrigin, warned: boolean): string | null {
  if (fit.scans < MIN_SCANS) return null;
  const limit = warned ? CLEAR : RAISE;
  const unknown = fit.unknownShare >= limit.unknown;
  const misfit = fit.judged >= MIN_JUDGED && fit.misfitShare >= limit.misfit;
  if (!unknown && !misfit) return null;
  const why = [
    ...(unknown ? [`${pct(fit.unknownShare)} of the beacons the scans name are not in the registry`] : []),
    ...(misfit ? [`in ${pct(fit.misfitShare)} of the scans the two strongest beacons are too far apart in the registry for their signals`] : []),
  ].join(', and ');
  return `People positions are unreliable: ${why}. ${REMEDY[origin]}`;
}

export function positioningStatus(fit: RegistryFitSummary, origin: RegistryOrigin, beacons: number, warning: string | null): PositioningStatus {
  return {
    registry: origin,
    beacons,
    scans: fit.scans,
    unknownShare: fit.unknownShare,
    misfitShare: fit.misfitShare,
    ...(warning ? { warning } : {}),
  };
}

/** The locomotion model's constants and agent states, shared by the step stages (Simulation) and stages 5–6 slot by slot (slotStages). */

/** Lifecycle of one agent slot. */
export const AgentState = { Waiting: 0, Walking: 1, Transit: 2, Out: 3, Stuck: 4 } as const;

/** Model constants (JuPedSim CFSM defaults; the time gap is calibrated so bottleneck specific flows fall in the
 * Jülich HERMES range and the fundamental diagram follows Weidmann, see test/validation). */
export const MODEL = {
  /** Time gap T, s. */
  timeGap: 0.6,
  neighbourStrength: 8.0,
  /** m */
  neighbourRange: 0.1,
  wallStrength: 5.0,
  /** m */
  wallRange: 0.02,
  /** Neighbour cut-off, m: beyond it neither repulsion nor spacing matters (2 r + v0max · T ≈ 1.7 m). */
  cutoff: 1.8,
  /** Neighbour cell size, m (the search covers the cells within each agent's exact radius, see computeVelocities in slotStages). */
  cell: 0.9,
  /** Seconds between route choices (congestion-aware re-routing). */
  rerouteInterval: 2.0,
  /** Specific flow assumed at an exit when estimating its queue, P/(m·s). */
  exitFlow: 1.3,
  /** Specific flow capacity of a link entry (stairs), P/(m·s) (IMO: stairs down 1.1). */
  linkFlow: 1.1,
  /** Most people a link (flight) holds, per m² of entry width × walking length: a queue on stairs. */
  linkDensity: 2.5,
  /** Gap below which two bodies are in contact, m: see the spacing pass of computeVelocities (slotStages). */
  contact: 0.02,
  /** Share of the sideways neighbour repulsion from someone behind on the way out (see computeVelocities in slotStages). */
  behind: 0.5,
} as const;

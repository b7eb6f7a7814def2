/**
 * `testbed:` on a model it cannot run on: the model has nothing walkable (no storey with walkable
 * area, e.g. a structural model of beams and columns), so there is no building for the simulated
 * people and robots. Rather than running the built-in building's crowd over the user's model, the
 * source delivers nothing and reports why the way any source that cannot deliver does: state
 * "error" with the reason as `detail` (status bar, Source health panel, and the hub's critical
 * source alert). Opening a model with walkable storeys (or the sample) restarts the testbed on it
 * (testbedSourceForModel.ts `testbedLayoutChanged`).
 *
 * Lifecycle: idle → error (on start) → stopped.
 */
import type { Source, SourceCapability, SourceListener, SourceState, SourceStatus } from '../../../common/source.js';
import type { TestbedOptions } from './testbedOptions.js';

export class UnavailableTestbedSource implements Source {
  readonly capabilities: ReadonlySet<SourceCapability> = new Set<SourceCapability>();
  /** Same role as TestbedSource.layoutKey: "unavailable:<model hash>". */
  readonly layoutKey: string;
  private state: SourceState = 'idle';
  private listener: SourceListener | null = null;

  /** `reason`: what the user reads, e.g. "cannot run on x.ifc: it has no walkable structure — …". */
  constructor(readonly uri: string, readonly options: TestbedOptions, modelHash: string, readonly reason: string) {
    this.layoutKey = `unavailable:${modelHash}`;
  }

  async start(listener: SourceListener): Promise<void> {
    if (this.state !== 'idle') throw new Error(`UnavailableTestbedSource: start() while ${this.state}; a source starts once`);
    this.listener = listener;
    this.setState('error');
  }

  async stop(): Promise<void> {
    this.setState('stopped');
  }

  status(): SourceStatus {
    return { uri: this.uri, state: this.state, detail: this.reason, accepted: 0, rejected: 0, rejectReasons: {} };
  }

  private setState(next: SourceState): void {
    if (next === this.state) return;
    this.state = next;
    this.listener?.onStatus(this.status());
  }
}

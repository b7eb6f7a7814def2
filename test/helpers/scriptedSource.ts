/**
 * A live source the test drives by hand: `start` goes live, `send` hands the pipeline a batch. It has no layout, beacons
 * or counts of its own, which is what MQTT and NGSI-LD are to the pipeline; subclass it to give it those.
 */
import type { TelemetryRecord } from '../../common/records.js';
import type { Source, SourceCapability, SourceListener, SourceStatus } from '../../common/source.js';

export class ScriptedSource implements Source {
  readonly capabilities = new Set<SourceCapability>();
  listener: SourceListener | null = null;
  state: SourceStatus['state'] = 'idle';
  constructor(readonly uri = 'mqtt://scripted') {}
  async start(l: SourceListener) {
    this.listener = l;
    this.state = 'live';
    l.onStatus(this.status());
  }
  async stop() {
    this.state = 'stopped';
  }
  status(): SourceStatus {
    return { uri: this.uri, state: this.state, accepted: 0, rejected: 0, rejectReasons: {} };
  }
  send(batch: TelemetryRecord[]) {
    return this.listener!.onBatch(batch);
  }
}

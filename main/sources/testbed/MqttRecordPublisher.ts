/**
 * Publishes normalised records to an MQTT broker in the live format of spec/telemetry.md:
 * `PREFIX/state/KIND/ID`, `PREFIX/scan/DEVICE`, `PREFIX/position/ID`, `PREFIX/count/ZONE`; payload
 * one JSON record, or a JSON array when one batch holds several records for the same topic
 * (a fast simulation gives a robot several states per batch). QoS 0 by default.
 *
 * `publish(batch)` resolves when every message of the batch has been handed to the socket, so a
 * caller awaiting it is throttled by the broker connection (backpressure). Alerts and rejected
 * input have no live topic and are skipped (counted in `skipped`).
 */
import type { MqttClient } from 'mqtt';
import { assertNever, type TelemetryRecord } from '../../../common/records.js';

/** Characters MQTT topics cannot carry in a level (separator and wildcards) are replaced by "_". */
export function topicLevel(value: string): string {
  return value.replace(/[/#+\s\u0000]/g, '_') || '_';
}

/** The live topic of a record, or null for kinds without one (alert, rejected). */
export function topicFor(prefix: string, r: TelemetryRecord): string | null {
  const p = prefix ? `${prefix}/` : '';
  switch (r.kind) {
    case 'state':
      return `${p}state/${topicLevel(r.record.kind)}/${topicLevel(r.record.id)}`;
    case 'scan':
      return `${p}scan/${topicLevel(r.record.device)}`;
    case 'position':
      return `${p}position/${topicLevel(r.record.id)}`;
    case 'count':
      return `${p}count/${topicLevel(r.record.zone)}`;
    case 'alert':
    case 'rejected':
      return null;
    default:
      return assertNever(r, 'record kind');
  }
}

export interface PublishCounts {
  messages: number;
  records: number;
  bytes: number;
  skipped: number;
  byKind: Record<string, number>;
}

export class MqttRecordPublisher {
  readonly counts: PublishCounts = { messages: 0, records: 0, bytes: 0, skipped: 0, byKind: {} };

  constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
    private readonly qos: 0 | 1 = 0,
  ) {}

  async publish(batch: readonly TelemetryRecord[]): Promise<void> {
    const byTopic = new Map<string, unknown[]>();
    for (const r of batch) {
      const topic = topicFor(this.prefix, r);
      if (topic === null) { this.counts.skipped++; continue; }
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(r.record);
      this.counts.byKind[r.kind] = (this.counts.byKind[r.kind] ?? 0) + 1;
    }
    const sends: Promise<unknown>[] = [];
    for (const [topic, records] of byTopic) {
      const payload = JSON.stringify(records.length === 1 ? records[0] : records);
      this.counts.messages++;
      this.counts.records += records.length;
      this.counts.bytes += payload.length;
      sends.push(this.client.publishAsync(topic, payload, { qos: this.qos }));
    }
    await Promise.all(sends);
  }
}

/**
 * JSON Schemas (draft 2020-12) of the recorded channels (spec/telemetry.md "MCAP recordings"),
 * written into every recording so other tools (Foxglove) can read the messages. They describe
 * the normalised records as recorded (`t` is epoch milliseconds after normalisation).
 */
import { ENTITY_STATES, SEVERITIES, type TelemetryRecord } from '../../common/records.js';

const num = { type: 'number' } as const;
const str = { type: 'string' } as const;
const location = { floor: str, x: num, y: num, z: num, lat: num, lon: num, alt: num };
const time = { type: 'number', description: 'record time, epoch milliseconds' } as const;

export const RECORD_SCHEMAS = {
  'twin.State': {
    title: 'twin.State',
    type: 'object',
    required: ['id', 'kind', 't'],
    properties: {
      id: str, kind: str, type: str, t: time, ...location,
      heading: { type: 'number', description: 'degrees, 0 = north, clockwise' },
      speed: { type: 'number', description: 'm/s' },
      battery: { type: 'number', minimum: 0, maximum: 1 },
      state: { type: 'string', enum: [...ENTITY_STATES] },
      task: { type: ['string', 'null'] },
      error: { type: ['string', 'null'] },
    },
  },
  'twin.Scan': {
    title: 'twin.Scan',
    type: 'object',
    required: ['device', 't', 'rssi'],
    properties: { device: str, t: time, rssi: { type: 'object', additionalProperties: { type: 'number', description: 'dBm' } } },
  },
  'twin.Position': {
    title: 'twin.Position',
    type: 'object',
    required: ['id', 't'],
    properties: { id: str, t: time, ...location, accuracy: { type: 'number', description: 'metres' } },
  },
  'twin.Count': {
    title: 'twin.Count',
    type: 'object',
    required: ['zone', 't', 'count'],
    properties: { zone: str, t: time, count: { type: 'integer', minimum: 0 } },
  },
  'twin.Alert': {
    title: 'twin.Alert',
    type: 'object',
    required: ['id', 't', 'entity', 'severity', 'code', 'message', 'active'],
    properties: {
      id: str, t: time, entity: str, severity: { type: 'string', enum: [...SEVERITIES] }, code: str, message: str,
      active: { type: 'boolean' }, acknowledged: { type: 'boolean' },
    },
  },
  'twin.Rejected': {
    title: 'twin.Rejected',
    type: 'object',
    required: ['t', 'source', 'reason', 'raw'],
    properties: { t: time, source: str, reason: str, raw: str },
  },
} as const;
export type RecordSchemaName = keyof typeof RECORD_SCHEMAS;

/** The channel topic (spec/telemetry.md) and schema of one record. */
export function recordTopic(r: TelemetryRecord): { topic: string; schema: RecordSchemaName } {
  switch (r.kind) {
    case 'state':
      return { topic: `/state/${r.record.kind}`, schema: 'twin.State' };
    case 'scan':
      return { topic: '/scan', schema: 'twin.Scan' };
    case 'position':
      return { topic: '/position', schema: 'twin.Position' };
    case 'count':
      return { topic: '/count', schema: 'twin.Count' };
    case 'alert':
      return { topic: '/alert', schema: 'twin.Alert' };
    case 'rejected':
      return { topic: '/rejected', schema: 'twin.Rejected' };
  }
}

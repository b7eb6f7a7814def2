/**
 * A moment in a recording as a person types it (spec/cli.md `--at TIME`): ISO 8601
 * ("2026-11-24T09:30:00Z"), epoch milliseconds ("1795510800000"), or "+SECONDS" from the
 * recording's start ("+90", "+1.5"). Returns epoch ms, or throws an Error saying what was expected.
 */
export function parseReplayTime(text: string, recordingStart: number | null): number {
  const s = text.trim();
  if (/^\+\d+(\.\d+)?$/.test(s)) {
    if (recordingStart === null) throw new Error(`time "${text}": +SECONDS needs a recording with at least one record`);
    return recordingStart + Number(s.slice(1)) * 1000;
  }
  if (/^\d{10,}$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return ms;
  }
  throw new Error(`time "${text}": expected ISO 8601 (2026-11-24T09:30:00Z), epoch milliseconds, or +SECONDS from the start`);
}

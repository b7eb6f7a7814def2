/**
 * Which timeline controls a source gets, from what its status declares (STYLE.md habit 4: the UI
 * shows controls only for declared capabilities). SourceStatus carries them implicitly:
 *   seek  ⇐ a time range (replay, simulation results)
 *   speed ⇐ a speed value
 *   pause ⇐ a player state ('playing' | 'paused')
 *   live  ⇐ a live connection state without a time range (testbed, MQTT, NGSI-LD)
 */
import type { SourceStatus } from '../../common/source.js';

export interface SourceControls {
  live: boolean;
  pause: boolean;
  seek: boolean;
  speed: boolean;
}

export function sourceControls(s: SourceStatus | null): SourceControls {
  if (!s) return { live: false, pause: false, seek: false, speed: false };
  const hasRange = !!s.range && s.range.end > s.range.start;
  const player = s.state === 'playing' || s.state === 'paused' || (hasRange && s.state === 'ended');
  return {
    live: !hasRange && (s.state === 'live' || s.state === 'connecting' || s.state === 'reconnecting'),
    pause: player,
    seek: hasRange,
    speed: s.speed !== undefined,
  };
}

/**
 * Status-bar colour class for a source state. `pageConnected` false: the page has lost the workbench, so the state
 * is only the last it heard: grey, never a green "live".
 */
export function sourceTone(state: SourceStatus['state'] | 'none', pageConnected = true): 'ok' | 'busy' | 'bad' | 'idle' {
  if (!pageConnected) return 'idle';
  switch (state) {
    case 'live':
    case 'playing':
      return 'ok';
    case 'connecting':
    case 'reconnecting':
    case 'paused':
      return 'busy';
    case 'error':
      return 'bad';
    case 'idle':
    case 'ended':
    case 'stopped':
    case 'none':
      return 'idle';
  }
}

/** What the bar says for a source that failed: "Could not open the recording /x: why", or "URI: why". */
export function failedSourceText(uri: string, detail: string | undefined): string {
  if (!uri.startsWith('file:')) return `${uri} failed${detail ? `: ${detail}` : ''}`;
  const path = uri.slice('file:'.length);
  // The reason often starts with the path again ("/x: folder holds no .mcap files"): once is enough.
  const reason = detail?.startsWith(`${path}: `) ? detail.slice(path.length + 2) : detail;
  return `Could not open the recording ${path}${reason ? `: ${reason}` : ''}`;
}

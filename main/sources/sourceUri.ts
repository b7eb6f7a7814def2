/**
 * Source URI → Source (spec/cli.md "Source URIs"): the one place that knows every scheme.
 *
 *   testbed:[?robots=60&tags=2000&seed=7&speed=60]   built-in simulator (main/sources/testbed)
 *   mqtt://host:port[/prefix][?qos=0|1]              MQTT broker (mqtt.ts)
 *   ngsi-ld:http://host:port[?type=Device,Vehicle]  NGSI-LD broker: query then subscribe (ngsiLd.ts)
 *   file:PATH.mcap                                  replay of a recording
 *
 * A bad URI is a `SourceUriError` whose message names the URI and what was expected (the CLI
 * turns it into exit 2).
 */
import type { Source } from '../../common/source.js';
import { MqttSource } from './mqtt.js';
import { NgsiLdSource } from './ngsiLd.js';
// Side-effect import: the testbed source registers its factory (it imports this module back;
// `factories()` is a hoisted function so the registration works whichever module runs first).
import './testbed/TestbedSource.js';
// Side-effect import: `file:` replay (main/replay) registers its factory the same way.
import '../replay/McapReplaySource.js';

export class SourceUriError extends Error {
  override readonly name = 'SourceUriError';
}

export type SourceScheme = 'testbed' | 'mqtt' | 'ngsi-ld' | 'file';

/** A scheme implemented in another module registers itself here (keeps this file free of cycles). */
export type SourceFactory = (uri: string) => Source;
function factories(): Map<SourceScheme, SourceFactory> {
  const holder = factories as { map?: Map<SourceScheme, SourceFactory> };
  return (holder.map ??= new Map());
}

export function registerSourceFactory(scheme: SourceScheme, factory: SourceFactory): void {
  factories().set(scheme, factory);
}

export function sourceScheme(uri: string): SourceScheme {
  if (uri.startsWith('testbed:')) return 'testbed';
  if (uri.startsWith('mqtt://') || uri.startsWith('mqtts://')) return 'mqtt';
  if (uri.startsWith('ngsi-ld:')) return 'ngsi-ld';
  if (uri.startsWith('file:')) return 'file';
  throw new SourceUriError(
    `source URI "${uri}": unknown scheme; expected testbed:[?…], mqtt://HOST:PORT[/PREFIX], ngsi-ld:http://HOST:PORT[?type=…] or file:PATH.mcap`,
  );
}

/** Creates (does not start) the source for a URI. */
export function createSource(uri: string): Source {
  const scheme = sourceScheme(uri);
  try {
    const registered = factories().get(scheme);
    if (registered) return registered(uri);
    switch (scheme) {
      case 'mqtt':
        return new MqttSource(uri);
      case 'ngsi-ld':
        return new NgsiLdSource(uri);
      case 'testbed':
      case 'file':
        throw new SourceUriError(`source URI "${uri}": the ${scheme}: source is not available in this build`);
    }
  } catch (e) {
    if (e instanceof SourceUriError) throw e;
    throw new SourceUriError((e as Error).message);
  }
}

/**
 * structureStore: the model's structure from main → the store (states, superseded answers, a main
 * without the method) and its storeys as the layout store's storeys (selector, plan, 3D).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvents, ModelStructureInfo, SessionInfo } from '../../../../common/api';
import { storey, structure } from './structureFixture';
import { applyStructureInfo, initialStructureState, layoutStoreysFor, storeysFromStructure, StructureLoader, structureStore, type StructureApi } from '../../../../renderer/stores/structureStore';

const session = (hash: string | null): SessionInfo => ({ version: 't', mode: 'web', model: hash ? { name: `${hash}.ifc`, hash, bytes: 1, url: '/m' } : null, source: null, recording: null });

/** A fake API: answers are resolved by the test, events fired by it. */
class FakeApi implements StructureApi {
  calls: { resolve(v: ModelStructureInfo | null): void; reject(e: Error): void }[] = [];
  private listeners: ((p: ApiEvents['model.structure']) => void)[] = [];
  call(): Promise<ModelStructureInfo | null> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  }
  on(_e: 'model.structure', cb: (p: ApiEvents['model.structure']) => void) {
    this.listeners.push(cb);
    return () => void (this.listeners = this.listeners.filter((l) => l !== cb));
  }
  fire(p: ModelStructureInfo) {
    for (const l of this.listeners) l(p);
  }
}
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => structureStore.setState({ ...initialStructureState }));

describe('storeysFromStructure', () => {
  it('gives the model’s storeys in elevation order with their own index, name, elevation and the height to the next', () => {
    const s = structure([storey(0, 'Erdgeschoss', 0), storey(2, 'Keller', -2.5), storey(1, 'Dachgeschoss', 2.7)]);
    expect(storeysFromStructure(s)).toEqual([
      { index: 2, name: 'Keller', elevation: -2.5, height: 2.5, use: { exits: 0, spaces: 0, walkableArea: 80 } },
      { index: 0, name: 'Erdgeschoss', elevation: 0, height: 2.7, use: { exits: 0, spaces: 0, walkableArea: 80 } },
      { index: 1, name: 'Dachgeschoss', elevation: 2.7, height: 3, use: { exits: 0, spaces: 0, walkableArea: 80 } },
    ]);
  });

  it('names an unnamed storey instead of showing an empty button', () => {
    expect(storeysFromStructure(structure([storey(0, '', 0)]))[0]!.name).toBe('Storey 1');
  });
});

describe('applyStructureInfo', () => {
  it('moves through pending → ready and keeps the overlay choice; null clears', () => {
    structureStore.setState({ overlay: false });
    applyStructureInfo({ hash: 'h', status: 'pending' });
    expect(structureStore.getState()).toMatchObject({ status: 'pending', hash: 'h', structure: null, overlay: false });
    const s = structure([storey(0, 'EG', 0)]);
    applyStructureInfo({ hash: 'h', status: 'ready', structure: s, cached: true, ms: 12 });
    expect(structureStore.getState()).toMatchObject({ status: 'ready', structure: s, cached: true, ms: 12, overlay: false });
    applyStructureInfo({ hash: 'h', status: 'failed', error: 'no storeys' });
    expect(structureStore.getState()).toMatchObject({ status: 'failed', structure: null, error: 'no storeys' });
    applyStructureInfo(null);
    expect(structureStore.getState()).toMatchObject({ status: 'none', structure: null, hash: null });
  });
});

describe('StructureLoader', () => {
  it('treats a main without model.structure as "no structure", with the reason kept', async () => {
    const api = new FakeApi();
    const loader = new StructureLoader(api);
    loader.onSession(session('a'));
    expect(structureStore.getState().status).toBe('loading');
    api.calls[0]!.reject(new Error('unknown method "model.structure"'));
    await flush();
    expect(structureStore.getState()).toMatchObject({ status: 'unavailable', structure: null });
    expect(structureStore.getState().error).toMatch(/unknown method/);
    loader.dispose();
  });

  it('re-requests when the session’s model changes, ignores the superseded answer, applies events', async () => {
    const api = new FakeApi();
    const loader = new StructureLoader(api);
    loader.onSession(session('a'));
    loader.onSession(session('a')); // same model: no new request
    expect(api.calls).toHaveLength(1);
    loader.onSession(session('b'));
    expect(api.calls).toHaveLength(2);
    const sb = structure([storey(0, 'B', 0)]);
    api.calls[1]!.resolve({ hash: 'b', status: 'pending' });
    api.calls[0]!.resolve({ hash: 'a', status: 'ready', structure: structure([storey(0, 'A', 0)]), cached: false, ms: 1 });
    await flush();
    expect(structureStore.getState()).toMatchObject({ status: 'pending', hash: 'b' });
    api.fire({ hash: 'b', status: 'ready', structure: sb, cached: false, ms: 900 });
    expect(structureStore.getState().structure).toBe(sb);
    loader.dispose();
    api.fire({ hash: 'c', status: 'pending' }); // disposed: no longer listening
    expect(structureStore.getState().hash).toBe('b');
  });
});

describe('layoutStoreysFor (storey selector source)', () => {
  it('replaces telemetry-derived storeys with the model’s, keeps the chosen storey, and withdraws only its own', () => {
    const derived = [{ index: 0, name: '1F', elevation: 0, height: 4 }];
    const s = structure([storey(0, 'EG', 0), storey(1, 'OG', 2.7)]);
    const first = layoutStoreysFor({ storeys: derived, activeStorey: 0 }, s, null);
    expect(first.patch).toEqual({ storeys: storeysFromStructure(s), activeStorey: null }); // a derived choice does not carry over
    const chosen = layoutStoreysFor({ storeys: first.published!, activeStorey: 1 }, s, first.published);
    expect(chosen.patch!.activeStorey).toBe(1);
    const gone = layoutStoreysFor({ storeys: chosen.published!, activeStorey: 1 }, null, chosen.published);
    expect(gone.patch).toEqual({ storeys: [], activeStorey: null });
    expect(layoutStoreysFor({ storeys: derived, activeStorey: 0 }, null, null).patch).toBeNull();
  });
});

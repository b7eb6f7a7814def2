import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiMessage } from '../../../../common/api.js';
import type { ApiConnection } from '../../../../main/host/ApiServer.js';
import type { StructureExtractor } from '../../../../main/services/ModelStructureService.js';
import { Workbench } from '../../../../main/services/Workbench.js';

const KIT = resolve('../shared/ifc/kit-ac20-fzk-haus-ifc4.ifc');
const HOUSE = resolve('../shared/ifc/ifcopenhouse-ifc4.ifc');

/** An extraction that never finishes: these tests are about opening, not the structure. */
const idle: StructureExtractor = () => ({ promise: new Promise(() => {}), cancel: () => {} });

const services: Workbench[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose();
});

describe('Workbench.openModelPath (File › Open, Open Recent, file association, model.openPath)', () => {
  it('opens the file, lists it as recent, tells the pages, and asks them to retry that file — also when it is the same file again', async () => {
    const wb = new Workbench({ mode: 'web', userData: mkdtempSync(join(tmpdir(), 'twin-wb-')), model: KIT, extractStructure: idle });
    services.push(wb);
    const texts: ApiMessage[] = [];
    const conn: ApiConnection = { id: 'p', send: (d) => { if (typeof d === 'string') texts.push(JSON.parse(d) as ApiMessage); }, bufferedBytes: () => 0, close: () => {} };
    const page = wb.api.attach(conn);
    await wb.start();
    const seen = () =>
      texts
        .filter((m) => m.type === 'event' && (m.channel === 'session' || m.channel === 'command'))
        .map((m) => {
          const p = (m as { payload: { id?: string; arg?: string; model?: { name: string } | null } }).payload;
          return m.type === 'event' && m.channel === 'command' ? `command ${p.id} ${p.arg}` : `session ${p.model?.name}`;
        });

    texts.length = 0;
    const info = await wb.openModelPath(HOUSE);
    expect(info.name).toBe('ifcopenhouse-ifc4.ifc');
    expect(seen()).toEqual(['session ifcopenhouse-ifc4.ifc', `command model.retry ${info.hash}`]);
    expect(wb.settings.get().recentModels[0]).toBe(HOUSE);

    // The same file again (e.g. after its load failed in the viewer): the session does not change,
    // so the retry command is what makes the page load it again.
    texts.length = 0;
    const again = await wb.openModelPath(HOUSE);
    expect(again.hash).toBe(info.hash);
    expect(seen()).toEqual(['session ifcopenhouse-ifc4.ifc', `command model.retry ${info.hash}`]);

    // The page-facing method takes the same path.
    texts.length = 0;
    page.onMessage(JSON.stringify({ type: 'req', id: 7, method: 'model.openPath', params: { path: KIT } }));
    for (let i = 0; i < 200 && !texts.some((m) => m.type === 'res'); i++) await new Promise((r) => setTimeout(r, 5));
    expect((texts.find((m) => m.type === 'res') as { ok: boolean }).ok).toBe(true);
    expect(seen()).toEqual(['session kit-ac20-fzk-haus-ifc4.ifc', `command model.retry ${wb.models.current()!.hash}`]);
  });

  it('a file that is not an IFC is refused by name and changes nothing', async () => {
    const wb = new Workbench({ mode: 'web', userData: mkdtempSync(join(tmpdir(), 'twin-wb-')), model: KIT, extractStructure: idle });
    services.push(wb);
    await wb.start();
    const before = wb.models.current()!.hash;
    await expect(wb.openModelPath(resolve('package.json'))).rejects.toThrow(/package\.json/);
    expect(wb.models.current()!.hash).toBe(before);
    expect(wb.settings.get().recentModels).not.toContain(resolve('package.json'));
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleModelPath } from '../../../../main/services/AppPaths.js';
import { sha256File } from '../../../../main/services/ModelService.js';
import { Workbench } from '../../../../main/services/Workbench.js';
import { openRecordedModel } from '../../../../main/replay/openRecordedModel.js';

const userData = mkdtempSync(join(tmpdir(), 'twin-recmodel-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));
const other = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'ifc', 'mini-project-ifc2x3.ifc');

describe('openRecordedModel', () => {
  it('opens the building a recording names by hash, says when it is missing, and leaves the current one alone', async () => {
    const wb = new Workbench({ mode: 'web', userData, model: other });
    try {
      await wb.start();
      const sampleHash = await sha256File(sampleModelPath());
      expect(wb.models.current()!.hash).not.toBe(sampleHash);
      // The recording was made in the sample building (renamed: found by content).
      const opened = await openRecordedModel(wb, { modelName: 'renamed.ifc', modelHash: sampleHash });
      expect(opened).toEqual({ kind: 'opened', path: sampleModelPath() });
      expect(wb.models.current()!.hash).toBe(sampleHash);
      expect(await openRecordedModel(wb, { modelName: 'testbed-complex.ifc', modelHash: sampleHash })).toEqual({ kind: 'current' });
      expect(await openRecordedModel(wb, { modelName: 'gone.ifc', modelHash: 'ab'.repeat(32) })).toEqual({ kind: 'missing', name: 'gone.ifc', hash: 'ab'.repeat(32) });
      expect(wb.models.current()!.hash).toBe(sampleHash);
      expect(await openRecordedModel(wb, { source: 'testbed:' })).toEqual({ kind: 'none' });
    } finally {
      await wb.dispose();
    }
  });
});

import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { ModelService, checkIfcFile, ModelFileError } from '../../../../main/services/ModelService';

const shared = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'ifc');

describe('ModelService', () => {
  it('opens a real IFC and reports its name, size and content hash', async () => {
    const m = new ModelService(mkdtempSync(join(tmpdir(), 'twin-models-')));
    const path = join(shared, 'ifcopenhouse-ifc4.ifc');
    const info = await m.open(path);
    expect(info.name).toBe('ifcopenhouse-ifc4.ifc');
    expect(info.bytes).toBe(113264);
    expect(info.hash).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(m.currentPath()).toBe(path);
  });

  it('names the file and the problem for missing, empty and non-IFC files', () => {
    const d = mkdtempSync(join(tmpdir(), 'twin-bad-'));
    writeFileSync(join(d, 'empty.ifc'), '');
    writeFileSync(join(d, 'pic.ifc'), '\x89PNG\r\n');
    expect(() => checkIfcFile(join(d, 'nope.ifc'))).toThrow(/nope\.ifc: cannot read \(ENOENT\)/);
    expect(() => checkIfcFile(join(d, 'empty.ifc'))).toThrow(/empty\.ifc: empty file/);
    expect(() => checkIfcFile(join(d, 'pic.ifc'))).toThrow(/pic\.ifc: not an IFC file/);
    expect(() => checkIfcFile(d)).toThrow(ModelFileError);
    // cut off mid-file (an interrupted copy): refused before anything parses it
    writeFileSync(join(d, 'half.ifc'), readFileSync(join(shared, 'ifcopenhouse-ifc4.ifc')).subarray(0, 50_000));
    expect(() => checkIfcFile(join(d, 'half.ifc'))).toThrow(/half\.ifc: file is truncated \(no END-ISO-10303-21; after 50000 bytes\)/);
  });

  it('keeps the previous model when an upload is rejected', async () => {
    const m = new ModelService(mkdtempSync(join(tmpdir(), 'twin-models-')));
    await m.open(join(shared, 'ifcopenhouse-ifc4.ifc'));
    await expect(m.openUpload('dropped.ifc', Buffer.from('hello'))).rejects.toThrow(/dropped\.ifc: not an IFC file/);
    await expect(m.openUpload('half.ifc', readFileSync(join(shared, 'duplex-apartment-ifc2x3.ifc')).subarray(0, 100_000))).rejects.toThrow(/^half\.ifc: file is truncated/);
    expect(m.current()?.name).toBe('ifcopenhouse-ifc4.ifc');
    const ok = await m.openUpload('../../evil name?.ifc', readFileSync(join(shared, 'ifcopenhouse-ifc4.ifc')));
    expect(ok.name).toBe('evil name_.ifc');
  });
});

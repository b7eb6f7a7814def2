import { describe, it, expect } from 'vitest';
import { CommandRegistry } from '../../../../renderer/shell/CommandRegistry.js';

const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false });

describe('CommandRegistry', () => {
  it('runs a command by id with its argument', async () => {
    const r = new CommandRegistry();
    const got: (string | undefined)[] = [];
    r.register({ id: 'layout', title: 'Layout', run: (a) => void got.push(a) });
    await r.run('layout', 'plan');
    expect(got).toEqual(['plan']);
  });

  it('an unknown command is an error that lists what exists', async () => {
    const r = new CommandRegistry();
    r.register({ id: 'fit', title: 'Fit', run: () => {} });
    await expect(r.run('fitt')).rejects.toThrow(/unknown command "fitt".*fit/);
  });

  it('registering the same id twice is refused', () => {
    const r = new CommandRegistry();
    r.register({ id: 'fit', title: 'Fit', run: () => {} });
    expect(() => r.register({ id: 'fit', title: 'Fit again', run: () => {} })).toThrow(/"fit" is already registered/);
  });

  it('the latest command with a key wins, and disposing it gives the key back', () => {
    const r = new CommandRegistry();
    r.register({ id: 'fit', title: 'Fit to view', key: 'F', run: () => {} });
    const off = r.register({ id: 'model.fit-selection', title: 'Fit to selection', key: 'F', run: () => {} });
    expect(r.forKey(key('f'))?.id).toBe('model.fit-selection');
    expect(r.shortcuts().find((s) => s.spec.id === 'fit')?.shadowed).toBe(true);
    off();
    expect(r.forKey(key('f'))?.id).toBe('fit');
    expect(r.forKey(key('g'))).toBeNull();
  });
});

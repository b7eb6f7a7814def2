/** Which status-bar items give way first when the window is too narrow for all of them. */
import { describe, expect, it } from 'vitest';
import { statusDropOrder } from '../../../../renderer/shell/StatusBar.js';

describe('statusDropOrder', () => {
  it('hides the least important items first, the right-most of equals first, and never the connection', () => {
    const items = [
      { id: 'connection', keep: Infinity, pos: 0 },
      { id: 'source', keep: 90, pos: 100 },
      { id: 'model', keep: 20, pos: 400 },
      { id: 'alerts', keep: 80, pos: 600 },
      { id: 'entities', keep: 50, pos: 700 },
      { id: 'people', keep: 50, pos: 800 },
      { id: 'recording', keep: 40, pos: 900 },
      { id: 'fps', keep: 10, pos: 1000 },
    ];
    expect(statusDropOrder(items).map((i) => i.id)).toEqual(['fps', 'model', 'recording', 'people', 'entities', 'alerts', 'source']);
  });
});

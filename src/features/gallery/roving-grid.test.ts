import { describe, expect, it } from 'vitest';
import { rovingTarget } from './roving-grid';

describe('roving grid keys', () => {
  it('moves by items and rows inside the grid and stops at its edges', () => {
    // 24 items, 6 wide: 4 rows.
    expect(rovingTarget('ArrowRight', 0, 24, 6)).toBe(1);
    expect(rovingTarget('ArrowRight', 23, 24, 6)).toBe(23);
    expect(rovingTarget('ArrowLeft', 0, 24, 6)).toBe(0);
    expect(rovingTarget('ArrowDown', 2, 24, 6)).toBe(8);
    expect(rovingTarget('ArrowDown', 20, 24, 6)).toBe(20);
    expect(rovingTarget('ArrowUp', 8, 24, 6)).toBe(2);
    expect(rovingTarget('ArrowUp', 3, 24, 6)).toBe(3);
    expect(rovingTarget('Home', 13, 24, 6)).toBe(0);
    expect(rovingTarget('End', 1, 24, 6)).toBe(23);
    expect(rovingTarget('Tab', 1, 24, 6)).toBeNull();
    // A short last row: down from above a gap stays put.
    expect(rovingTarget('ArrowDown', 5, 10, 4)).toBe(9);
    expect(rovingTarget('ArrowDown', 7, 10, 4)).toBe(7);
  });
});

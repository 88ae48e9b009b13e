/**
 * Keyboard model of a wrapped grid of items with one Tab stop (WAI-ARIA "roving tabindex"): arrows move
 * by one item or one row, Home/End go to the ends. Columns are read from the layout, since the grid wraps
 * to the screen's width.
 */

/** The item a key moves to from `from` among `count` items laid out `columns` wide, or null for other keys. */
export function rovingTarget(key: string, from: number, count: number, columns: number): number | null {
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowRight': return clamp(from + 1);
    case 'ArrowLeft': return clamp(from - 1);
    case 'ArrowDown': return from + columns < count ? from + columns : from;
    case 'ArrowUp': return from - columns >= 0 ? from - columns : from;
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}

/** How many items share the first row (by their top edge). */
export function columnsOf(items: HTMLElement[]): number {
  if (!items.length) return 1;
  const top = items[0].offsetTop;
  const n = items.findIndex((el) => el.offsetTop !== top);
  return n === -1 ? items.length : n;
}

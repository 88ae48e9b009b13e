/**
 * Brings what the user just caused into view: the section marked `data-reveal="<name>"` (picking an image →
 * the attack controls), or an element (a finished result). Smooth unless the user asked for reduced motion;
 * focus is not moved, so the keyboard stays where it was.
 */
const behavior = (): ScrollBehavior => (matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');

export function reveal(target: string | Element | null, block: ScrollLogicalPosition = 'start'): void {
  const el = typeof target === 'string' ? document.querySelector(`[data-reveal="${target}"]`) : target;
  el?.scrollIntoView({ block, behavior: behavior() });
}

/**
 * Scrolls the page so `el` starts `margin` px below the top of the screen, or closer when that lets all of it sit
 * above `room` (the top of a card docked at the bottom, in viewport px) — a target just shorter than the room
 * otherwise ends a few pixels under the card.
 */
export function revealAbove(el: Element | null, room: number, margin = 12): void {
  if (!el) return;
  const r = el.getBoundingClientRect();
  const y = r.height + 1 <= room ? Math.max(0, Math.min(margin, room - r.height - 1)) : margin;
  window.scrollTo({ top: window.scrollY + r.top - y, behavior: behavior() });
}

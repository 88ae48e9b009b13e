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

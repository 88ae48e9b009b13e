/**
 * Cancellation shared by attacks and metrics. The error is named 'AbortError' so callers can treat it
 * like a DOM abort (`err.name === 'AbortError'`) without depending on DOMException in Node.
 */
export class AttackAbortedError extends Error {
  override name = 'AbortError';

  constructor(message = 'attack aborted') {
    super(message);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AttackAbortedError();
}

/**
 * Yields to the event loop (so an abort or a worker message can be delivered between iterations), then
 * checks the signal. A macrotask rather than a microtask: microtasks never let other events run. A
 * MessageChannel message rather than setTimeout(0), which browsers clamp to 4 ms once nested 5 deep —
 * that would add 4 ms to every batch of a long evaluation.
 */
export async function yieldAndCheck(signal: AbortSignal | undefined): Promise<void> {
  // Nothing can abort an unsignalled run, so there is nothing to wait for.
  if (!signal) return;
  throwIfAborted(signal);
  await nextTask();
  throwIfAborted(signal);
}

function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

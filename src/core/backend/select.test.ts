import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select';

describe('backend selection', () => {
  it('gives a start that never settles a deadline, then starts the next backend and says so', async () => {
    // As the wasm backend does when a CSP without blob: blocks its thread pool: its init never settles.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => new Promise<never>(() => undefined));
    const choice = await selectBackend({ prefer: 'wasm', startTimeoutMs: 300 });
    expect(choice.backend).toBe('cpu');
    expect(choice.requestedFailed).toBe(true);
    expect(choice.failed[0]).toEqual({ backend: 'wasm', timedOut: true });
    expect(choice.reasons[0]).toBe('wasm: did not start within 0.3 s (requested); falling back');
    // The abandoned start must not hold up the backend that did start (cpu starts synchronously).
    const y = tf.add(tf.scalar(1), tf.scalar(2));
    expect(await y.data()).toEqual(new Float32Array([3]));
    y.dispose();
    const again = await selectBackend({ prefer: 'wasm', startTimeoutMs: 300 });
    expect(again.reasons[0]).toMatch(/^wasm: unavailable \(an earlier start of it timed out/);
    expect(again.backend).toBe('cpu');
  }, 15_000);
});

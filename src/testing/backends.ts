import * as tf from '@tensorflow/tfjs';

/** Backends that run in Node: the parity table runs on both. */
export const NODE_BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} did not start (active: ${tf.getBackend()})`);
}

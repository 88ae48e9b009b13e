/**
 * The wasm backend (tfjs 4.22) has no Conv2DBackpropFilter kernel, and TF.js's fused conv2d gradient
 * (used by every Conv2D layer with a bias) computes the filter gradient even when only ∇x is wanted — so
 * any input gradient through a conv net fails on wasm. This shim registers that one kernel for wasm by
 * running the CPU backend's kernel on copies of the inputs. Attacks discard its result; it only has to
 * exist and be correct. Registered once, and never over a real wasm kernel.
 */
import * as tf from '@tensorflow/tfjs';

const KERNEL = 'Conv2DBackpropFilter';

export function registerWasmGradientShim(): void {
  if (tf.getKernel(KERNEL, 'wasm')) return;
  const cpuKernel = tf.getKernel(KERNEL, 'cpu');
  if (!cpuKernel) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as tf.KernelBackend;
      const cpu = tf.findBackend('cpu');
      if (!cpu) throw new Error(`${KERNEL} shim: the cpu backend is not available`);
      const copy = (t: tf.TensorInfo): tf.TensorInfo => ({
        dataId: cpu.write(wasm.readSync(t.dataId) as tf.backend_util.BackendValues, t.shape, t.dtype), shape: t.shape, dtype: t.dtype,
      });
      const x = copy(inputs.x as tf.TensorInfo);
      const dy = copy(inputs.dy as tf.TensorInfo);
      const out = cpuKernel.kernelFunc({ inputs: { x, dy }, attrs, backend: cpu }) as tf.TensorInfo;
      const values = cpu.readSync(out.dataId) as Float32Array;
      for (const t of [x, dy, out]) cpu.disposeData(t.dataId);
      return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
    },
  });
}

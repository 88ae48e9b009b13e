import * as tf from '@tensorflow/tfjs-core';
import { JUMP_RELU, JUMP_RELU_GRAD } from './jump-relu';
import { jumpReluGradConfig } from './jump-relu.grad';
import { jumpReluGradCpuConfig } from './kernels/jump-relu-grad.cpu';
import { jumpReluGradWasmConfig } from './kernels/jump-relu-grad.wasm';
import { jumpReluGradWebglConfig } from './kernels/jump-relu-grad.webgl';
import { jumpReluGradWebgpuConfig } from './kernels/jump-relu-grad.webgpu';
import { jumpReluCpuConfig } from './kernels/jump-relu.cpu';
import { jumpReluWasmConfig } from './kernels/jump-relu.wasm';
import { jumpReluWebglConfig } from './kernels/jump-relu.webgl';
import { jumpReluWebgpuConfig } from './kernels/jump-relu.webgpu';

/** The one list of JumpRelu kernels: a missing backend is a missing line here. */
export const JUMP_RELU_KERNELS: tf.KernelConfig[] = [
  jumpReluCpuConfig,
  jumpReluWasmConfig,
  jumpReluWebglConfig,
  jumpReluWebgpuConfig,
];

/** The one list of JumpReluGrad kernels (the backward pass). */
export const JUMP_RELU_GRAD_KERNELS: tf.KernelConfig[] = [
  jumpReluGradCpuConfig,
  jumpReluGradWasmConfig,
  jumpReluGradWebglConfig,
  jumpReluGradWebgpuConfig,
];

/** Registers every kernel and the gradient. Idempotent; call before the first jumpRelu. */
export function registerJumpRelu(): void {
  for (const config of JUMP_RELU_KERNELS) {
    if (!tf.getKernel(JUMP_RELU, config.backendName)) tf.registerKernel(config);
  }
  for (const config of JUMP_RELU_GRAD_KERNELS) {
    if (!tf.getKernel(JUMP_RELU_GRAD, config.backendName)) tf.registerKernel(config);
  }
  if (!tf.getGradient(JUMP_RELU)) tf.registerGradient(jumpReluGradConfig);
}

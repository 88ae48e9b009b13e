import * as tf from '@tensorflow/tfjs-core';
import { JUMP_RELU } from './jump-relu';
import { jumpReluGradConfig } from './jump-relu.grad';
import { jumpReluGradCpuConfig } from './kernels/jump-relu-grad.cpu';
import { jumpReluGradWasmConfig } from './kernels/jump-relu-grad.wasm';
import { jumpReluGradWebglConfig } from './kernels/jump-relu-grad.webgl';
import { jumpReluGradWebgpuConfig } from './kernels/jump-relu-grad.webgpu';
import { jumpReluCpuConfig } from './kernels/jump-relu.cpu';
import { jumpReluWasmConfig } from './kernels/jump-relu.wasm';
import { jumpReluWebglConfig } from './kernels/jump-relu.webgl';
import { jumpReluWebgpuConfig } from './kernels/jump-relu.webgpu';
import { pooledConvInputGradCpuConfig } from './kernels/pooled-conv-input-grad.cpu';
import { pooledConvInputGradWasmConfig } from './kernels/pooled-conv-input-grad.wasm';
import { winogradConv3x3WasmConfig } from './kernels/winograd-conv3x3.wasm';

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

/**
 * The fused max-pool → convolution backward (pooled-conv-input-grad.ts). No webgl/webgpu kernel: its
 * scatter of kernel patches would need atomic adds on a GPU; there the unfused backward runs.
 */
export const POOLED_CONV_INPUT_GRAD_KERNELS: tf.KernelConfig[] = [
  pooledConvInputGradCpuConfig,
  pooledConvInputGradWasmConfig,
];

/**
 * The Winograd 3×3 convolution (winograd-conv3x3.ts): wasm only, where XNNPACK's direct convolution is at
 * wasm SIMD's peak and only fewer multiply-adds help; elsewhere tf.conv2d runs.
 */
export const WINOGRAD_CONV3X3_KERNELS: tf.KernelConfig[] = [winogradConv3x3WasmConfig];

/** Registers every kernel and the gradient. Idempotent; call before the first jumpRelu. */
export function registerKernels(): void {
  for (const config of [...JUMP_RELU_KERNELS, ...JUMP_RELU_GRAD_KERNELS, ...POOLED_CONV_INPUT_GRAD_KERNELS, ...WINOGRAD_CONV3X3_KERNELS]) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  if (!tf.getGradient(JUMP_RELU)) tf.registerGradient(jumpReluGradConfig);
}

import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { JUMP_RELU, type JumpReluAttrs, type JumpReluInputs } from '../jump-relu';

/** The one cast from a typed JumpRelu kernel to TF.js's untyped `KernelFunc`. */
export function defineJumpReluKernel<B>(
  backendName: string,
  fn: (args: { inputs: JumpReluInputs; backend: B; attrs: JumpReluAttrs }) => TensorInfo,
): KernelConfig {
  const kernelFunc = (({ inputs, backend, attrs }: { inputs: unknown; backend: unknown; attrs?: NamedAttrMap }) =>
    fn({ inputs: inputs as JumpReluInputs, backend: backend as B, attrs: attrs as unknown as JumpReluAttrs })) as unknown as KernelFunc;
  return { kernelName: JUMP_RELU, backendName, kernelFunc };
}

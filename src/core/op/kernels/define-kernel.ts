import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { JUMP_RELU, JUMP_RELU_GRAD, type JumpReluAttrs, type JumpReluGradAttrs, type JumpReluGradInputs, type JumpReluInputs } from '../jump-relu';
import { POOLED_CONV_INPUT_GRAD, type PooledConvInputGradAttrs, type PooledConvInputGradInputs } from '../pooled-conv-input-grad';
import { WINOGRAD_CONV3X3, type WinogradConv3x3Attrs, type WinogradConv3x3Inputs } from '../winograd-conv3x3';

type Args<I, A, B> = { inputs: I; backend: B; attrs: A };

/** The one cast from a typed kernel to TF.js's untyped `KernelFunc`. */
function defineKernel<I, A>(kernelName: string) {
  return <B>(backendName: string, fn: (args: Args<I, A, B>) => TensorInfo): KernelConfig => {
    const kernelFunc = (({ inputs, backend, attrs }: { inputs: unknown; backend: unknown; attrs?: NamedAttrMap }) =>
      fn({ inputs: inputs as I, backend: backend as B, attrs: attrs as unknown as A })) as unknown as KernelFunc;
    return { kernelName, backendName, kernelFunc };
  };
}

export const defineJumpReluKernel = defineKernel<JumpReluInputs, JumpReluAttrs>(JUMP_RELU);
export const defineJumpReluGradKernel = defineKernel<JumpReluGradInputs, JumpReluGradAttrs>(JUMP_RELU_GRAD);
export const definePooledConvInputGradKernel = defineKernel<PooledConvInputGradInputs, PooledConvInputGradAttrs>(POOLED_CONV_INPUT_GRAD);
export const defineWinogradConv3x3Kernel = defineKernel<WinogradConv3x3Inputs, WinogradConv3x3Attrs>(WINOGRAD_CONV3X3);

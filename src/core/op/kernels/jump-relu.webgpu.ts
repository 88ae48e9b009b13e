import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgpu';

// WGSL has no isNan; NaN is the only value that fails both v > k and v <= k, so it is kept.
const BODY = 'let a = getAByOutputIndex(index); let result = select(a, 0.0, a <= uniforms.kappa);';

export const jumpReluWebgpuConfig = defineJumpReluKernel<WebGPUBackend>('webgpu', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  return backend.runWebGPUProgram(new KappaProgram(x.shape, 'jumpRelu', ['A'], BODY), [x], 'float32',
    [{ type: 'float32', data: [kappaF32(attrs.kappa)] }]);
});

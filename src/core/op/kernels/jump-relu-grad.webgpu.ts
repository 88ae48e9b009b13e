import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgpu';

// dy where x > κ, else 0 (NaN x fails the test: 0).
const BODY = 'let result = select(0.0, getDyByOutputIndex(index), getXByOutputIndex(index) > uniforms.kappa);';

export const jumpReluGradWebgpuConfig = defineJumpReluGradKernel<WebGPUBackend>('webgpu', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  return backend.runWebGPUProgram(new KappaProgram(x.shape, 'jumpReluGrad', ['dy', 'x'], BODY), [dy, x], 'float32',
    [{ type: 'float32', data: [kappaF32(attrs.kappa)] }]);
});

import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SMOOTH_CUTOFF } from '../gradient-mode';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgpu';

// Rule 'step' (κ here is the rule's threshold): dy where x > κ, else 0 (NaN x fails the test: 0).
const BODY = 'let result = select(0.0, getDyByOutputIndex(index), getXByOutputIndex(index) > uniforms.kappa);';

// Rule 'smoothed' (gradient-mode.ts, smoothedDerivative): dy·s′(x); 0 where u ≤ −cutoff or x is NaN, dy
// where u > cutoff. The selects keep ±∞ out of the products.
const C = `${SMOOTH_CUTOFF}.0`;
const SMOOTH_BODY = `
  let x = getXByOutputIndex(index);
  let u = (x - uniforms.kappa) / uniforms.tau;
  let s = 1.0 / (1.0 + exp(-clamp(u, -${C}, ${C})));
  let d = select(s + (x / uniforms.tau) * (s * (1.0 - s)), 1.0, u > ${C});
  let result = select(0.0, getDyByOutputIndex(index) * d, u > -${C});`;

export const jumpReluGradWebgpuConfig = defineJumpReluGradKernel<WebGPUBackend>('webgpu', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const k = kappaF32(attrs.threshold);
  if (attrs.rule === 'smoothed') {
    return backend.runWebGPUProgram(new KappaProgram(x.shape, 'jumpReluGradSmoothed', ['dy', 'x'], SMOOTH_BODY, ['kappa', 'tau']), [dy, x], 'float32',
      [{ type: 'float32', data: [k] }, { type: 'float32', data: [Math.fround(attrs.tau)] }]);
  }
  return backend.runWebGPUProgram(new KappaProgram(x.shape, 'jumpReluGrad', ['dy', 'x'], BODY), [dy, x], 'float32',
    [{ type: 'float32', data: [k] }]);
});

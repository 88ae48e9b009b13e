import { env } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { SMOOTH_CUTOFF } from '../gradient-mode';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgl';

// Rule 'step' (κ here is the rule's threshold): dy where x > κ, else 0. mix() with a bool vector selects:
// dy itself or 0, never dy·0 (NaN for dy = ±Inf).
const PACKED = `
  void main() {
    setOutput(mix(vec4(0.0), getDyAtOutCoords(), greaterThan(getXAtOutCoords(), vec4(kappa))));
  }`;

const UNPACKED = `
  void main() {
    setOutput(getXAtOutCoords() > kappa ? getDyAtOutCoords() : 0.0);
  }`;

// Rule 'smoothed' (gradient-mode.ts, smoothedDerivative): dy·s′(x), 0 where u ≤ −cutoff or x is NaN (the
// comparison fails), dy where u > cutoff.
const C = `${SMOOTH_CUTOFF}.0`;
const SMOOTH_PACKED = `
  void main() {
    vec4 x = getXAtOutCoords();
    vec4 dy = getDyAtOutCoords();
    vec4 u = (x - vec4(kappa)) / tau;
    vec4 s = 1.0 / (1.0 + exp(-clamp(u, -${C}, ${C})));
    vec4 d = mix(s + (x / tau) * (s * (1.0 - s)), vec4(1.0), greaterThan(u, vec4(${C})));
    setOutput(mix(vec4(0.0), dy * d, greaterThan(u, vec4(-${C}))));
  }`;

const SMOOTH_UNPACKED = `
  void main() {
    float x = getXAtOutCoords();
    float u = (x - kappa) / tau;
    float s = 1.0 / (1.0 + exp(-clamp(u, -${C}, ${C})));
    float d = u > ${C} ? 1.0 : s + (x / tau) * (s * (1.0 - s));
    setOutput(u > -${C} ? getDyAtOutCoords() * d : 0.0);
  }`;

export const jumpReluGradWebglConfig = defineJumpReluGradKernel<MathBackendWebGL>('webgl', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const packed = env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
  const k = kappaF32(attrs.threshold);
  if (attrs.rule === 'smoothed') {
    return backend.runWebGLProgram(new KappaProgram(x.shape, ['dy', 'x'], packed ? SMOOTH_PACKED : SMOOTH_UNPACKED, packed, ['kappa', 'tau']),
      [dy, x], 'float32', [[k], [Math.fround(attrs.tau)]]);
  }
  return backend.runWebGLProgram(new KappaProgram(x.shape, ['dy', 'x'], packed ? PACKED : UNPACKED, packed), [dy, x], 'float32', [[k]]);
});

import { env } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgl';

// dy where x > κ, else 0. mix() with a bool vector selects: dy itself or 0, never dy·0 (NaN for dy = ±Inf).
const PACKED = `
  void main() {
    setOutput(mix(vec4(0.0), getDyAtOutCoords(), greaterThan(getXAtOutCoords(), vec4(kappa))));
  }`;

const UNPACKED = `
  void main() {
    setOutput(getXAtOutCoords() > kappa ? getDyAtOutCoords() : 0.0);
  }`;

export const jumpReluGradWebglConfig = defineJumpReluGradKernel<MathBackendWebGL>('webgl', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const packed = env().getBool('WEBGL_PACK_BINARY_OPERATIONS');
  return backend.runWebGLProgram(new KappaProgram(x.shape, ['dy', 'x'], packed ? PACKED : UNPACKED, packed), [dy, x], 'float32',
    [[kappaF32(attrs.kappa)]]);
});

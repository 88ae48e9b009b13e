import { env } from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluKernel } from './define-kernel';
import { KappaProgram } from './kappa-program.webgl';

const PACKED = `
  void main() {
    vec4 x = getAAtOutCoords();
    // mix() with a bool vector selects, so ±Inf never meets a multiplication by 0.
    vec4 r = mix(vec4(0.0), x, greaterThan(x, vec4(kappa)));
    bvec4 nan = isnan(x);
    r.r = nan.r ? x.r : r.r;
    r.g = nan.g ? x.g : r.g;
    r.b = nan.b ? x.b : r.b;
    r.a = nan.a ? x.a : r.a;
    setOutput(r);
  }`;

const UNPACKED = `
  void main() {
    float x = getAAtOutCoords();
    setOutput(isnan(x) ? x : (x > kappa ? x : 0.0));
  }`;

export const jumpReluWebglConfig = defineJumpReluKernel<MathBackendWebGL>('webgl', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const packed = env().getBool('WEBGL_PACK_UNARY_OPERATIONS');
  return backend.runWebGLProgram(new KappaProgram(x.shape, ['A'], packed ? PACKED : UNPACKED, packed), [x], 'float32', [[kappaF32(attrs.kappa)]]);
});

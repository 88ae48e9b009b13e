import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { pooledConvInputGradShape } from '../pooled-conv-input-grad';
import { definePooledConvInputGradKernel } from './define-kernel';

type Dims = ReturnType<typeof pooledConvInputGradShape>;

/**
 * The loop of pooled-conv-input-grad.wat in TypeScript: the cpu kernel, and the wasm kernel's fallback when
 * the engine has no SIMD. Same order of operations, so the two agree to the last bit.
 */
export function pooledConvInputGradLoop(dy: Float32Array, x: Float32Array, wt: Float32Array, d: Float32Array | null, dx: Float32Array, copies: number, s: Dims): void {
  const { rows, ph, pw, c, h, w, sh, sw, kh, kw, cin, ih, iw, top, left } = s;
  dx.fill(0);
  const rowFloats = ih * iw * cin;
  let gp = 0;
  for (let r = 0; r < rows; r++) {
    const ximg = Math.floor(r / copies) * h * w * c;
    const dxrow = r * rowFloats;
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        for (let ch = 0; ch < c; ch++) {
          let v = dy[gp++];
          if (v === 0) continue;
          // The window's first maximum: start at its top-left, move only on a strictly larger value.
          let by = py * sh;
          let bx = px * sw;
          let best = x[ximg + (by * w + bx) * c + ch];
          for (let a = 0; a < sh; a++) {
            for (let b = 0; b < sw; b++) {
              const val = x[ximg + ((py * sh + a) * w + px * sw + b) * c + ch];
              if (val > best) { best = val; by = py * sh + a; bx = px * sw + b; }
            }
          }
          if (d) {
            v = Math.fround(v * d[ximg + (by * w + bx) * c + ch]);
            if (v === 0) continue;
          }
          const iy0 = by - top;
          const ix0 = bx - left;
          const ky1 = Math.min(kh, ih - iy0);
          const kx0 = Math.max(0, -ix0);
          const len = (Math.min(kw, iw - ix0) - kx0) * cin;
          if (len <= 0) continue;
          for (let ky = Math.max(0, -iy0); ky < ky1; ky++) {
            const src = ((ch * kh + ky) * kw + kx0) * cin;
            const dst = dxrow + ((iy0 + ky) * iw + ix0 + kx0) * cin;
            for (let j = 0; j < len; j++) dx[dst + j] = Math.fround(dx[dst + j] + Math.fround(v * wt[src + j]));
          }
        }
      }
    }
  }
}

export const pooledConvInputGradCpuConfig = definePooledConvInputGradKernel<MathBackendCPU>('cpu', ({ inputs, backend, attrs }) => {
  const s = pooledConvInputGradShape(inputs, attrs);
  const values = (t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
  const dx = new Float32Array(s.rows * s.ih * s.iw * s.cin);
  pooledConvInputGradLoop(values(inputs.dy), values(inputs.x), values(inputs.wt), inputs.d ? values(inputs.d) : null, dx, attrs.copies, s);
  return backend.makeTensorInfo([s.rows, s.ih, s.iw, s.cin], 'float32', dx);
});

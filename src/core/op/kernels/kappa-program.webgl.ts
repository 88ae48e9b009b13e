import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

/**
 * An element-wise WebGL program with κ (and any other float parameters, e.g. the smoothed gradient's τ) as
 * custom uniforms, so one compiled program serves every value (the cache key is the source text). Packed
 * (vec4 texels) or not, as the caller's TF.js flag says.
 */
export class KappaProgram implements GPGPUProgram {
  outputShape: number[];
  customUniforms: { name: string; type: 'float' }[];
  packedInputs?: boolean;
  packedOutput?: boolean;

  constructor(shape: number[], readonly variableNames: string[], readonly userCode: string, packed: boolean, uniforms: string[] = ['kappa']) {
    this.outputShape = shape;
    this.customUniforms = uniforms.map((name) => ({ name, type: 'float' as const }));
    if (packed) {
      this.packedInputs = true;
      this.packedOutput = true;
    }
  }
}

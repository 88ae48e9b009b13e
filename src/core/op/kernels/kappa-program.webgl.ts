import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

/**
 * An element-wise WebGL program with κ as a custom uniform, so one compiled program serves every κ (the
 * cache key is the source text). Packed (vec4 texels) or not, as the caller's TF.js flag says.
 */
export class KappaProgram implements GPGPUProgram {
  outputShape: number[];
  customUniforms = [{ name: 'kappa', type: 'float' as const }];
  packedInputs?: boolean;
  packedOutput?: boolean;

  constructor(shape: number[], readonly variableNames: string[], readonly userCode: string, packed: boolean) {
    this.outputShape = shape;
    if (packed) {
      this.packedInputs = true;
      this.packedOutput = true;
    }
  }
}

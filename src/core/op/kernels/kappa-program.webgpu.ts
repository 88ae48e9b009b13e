import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * An element-wise WebGPU program with κ as a uniform, modelled on TF.js's UnaryOpProgram: a constant
 * shaderKey per kernel, so moving κ never compiles a pipeline. `body` computes `result` from the inputs'
 * values at `index` (read with get<Name>ByOutputIndex) and `uniforms.kappa` (plus any further f32 uniforms named
 * in `uniforms`, e.g. the smoothed gradient's `tau`).
 */
export class KappaProgram implements WebGPUProgram {
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  uniforms: string;
  workgroupSize: [number, number, number] = [128, 1, 1];
  size = true;

  constructor(shape: number[], readonly shaderKey: string, readonly variableNames: string[], private readonly body: string, uniforms: string[] = ['kappa']) {
    this.outputShape = shape;
    this.uniforms = uniforms.map((u) => `${u} : f32,`).join(' ');
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.body}
          setOutputAtIndex(index, result);
        }
      }`;
  }
}

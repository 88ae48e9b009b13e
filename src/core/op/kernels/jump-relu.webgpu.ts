import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluKernel } from './define-kernel';

/** Modelled on TF.js's UnaryOpProgram: κ in `uniforms`, a constant shaderKey, so κ never recompiles. */
class JumpReluProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'jumpRelu';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['A'];
  uniforms = 'kappa : f32,';
  workgroupSize: [number, number, number] = [128, 1, 1];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, this.workgroupSize);
  }

  getUserCode(): string {
    // WGSL has no isNan; NaN is the only value that fails both v > k and v <= k.
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let a = getAByOutputIndex(index);
          setOutputAtIndex(index, select(a, 0.0, a <= uniforms.kappa));
        }
      }`;
  }
}

export const jumpReluWebgpuConfig = defineJumpReluKernel<WebGPUBackend>('webgpu', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  return backend.runWebGPUProgram(new JumpReluProgram(x.shape), [x], 'float32',
    [{ type: 'float32', data: [kappaF32(attrs.kappa)] }]);
});

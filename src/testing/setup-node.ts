import '@tensorflow/tfjs-backend-wasm';
import { registerKernels } from '../core/op/register';

registerKernels();

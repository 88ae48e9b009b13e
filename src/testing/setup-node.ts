import '@tensorflow/tfjs-backend-wasm';
import { registerJumpRelu } from '../core/op/register';

registerJumpRelu();

/** The compute worker's entry point: the only place that receives messages from the page. */
import * as Comlink from 'comlink';
import { ComputeSession } from './session';

Comlink.expose(new ComputeSession());

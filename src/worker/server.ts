/** The compute worker's entry point: the only place that receives messages from the page. */
import * as Comlink from 'comlink';
import { serveJobs } from './serve';
import { RUNNERS } from './runners';
import { ComputeSession } from './session';

Comlink.expose(serveJobs(new ComputeSession(), RUNNERS));

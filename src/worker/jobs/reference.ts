/** reference: the reproduction command's results for a shipped model (the file format: core/metrics/reference-file.ts). */
import type { ReferenceResults } from '../../core/metrics/reference-file';
import { job } from './contract';

/** `data` is null when public/reference/<id>.json is absent. */
export interface ReferenceResult { modelId: string; data: ReferenceResults | null }

export const reference = job<{ modelId: string }, ReferenceResult>()({ kind: 'reference', supersedes: 'own', onModel: false });

/** backend: switches the TF.js backend; every tensor is disposed, so it supersedes everything. */
import type { BackendName } from '../../core/backend/select';
import { job } from './contract';
import type { BackendInfo } from './start';

export const backend = job<{ backend: BackendName }, BackendInfo>()({ kind: 'backend', supersedes: 'everything', onModel: false });

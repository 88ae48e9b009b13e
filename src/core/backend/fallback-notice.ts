/**
 * What the visible notice bar says about the backend, beyond "which one": a fallback the user did not
 * choose (and why), and WebGPU on a software adapter. Both with what they cost, from `npm run bench`
 * (κ change → clean accuracy on MNIST, medians relative to wasm in the same run, bench/results.json):
 * wasm ~48 ms per 1,000 images, cpu ~1.3 s (~25×), software WebGL ~1.7 s (~35×), software WebGPU ~20 s (~400×).
 */
import { isSoftwareAdapter } from './adapter';
import type { BackendChoice, BackendName } from './select';

const COST: Record<BackendName, string> = {
  wasm: '',
  cpu: ': about 25× slower than wasm (a κ change on 1,000 MNIST images takes ~1.3 s instead of ~50 ms; attacks likewise)',
  webgl: ': fast on a real GPU, but about 35× slower than wasm on a software rasteriser',
  webgpu: '',
};
const SOFTWARE_WEBGPU = 'about 400× slower than wasm (a κ change on 1,000 MNIST images takes ~20 s instead of ~50 ms)';

export function backendNotices(choice: BackendChoice): string[] {
  const out: string[] = [];
  if (choice.failed.length) {
    const why = choice.failed.map((f) => `${f.backend} ${f.timedOut ? 'did not start in time' : 'failed to start'}`).join(', ');
    const asked = choice.requestedFailed ? `The requested backend "${choice.requested}" could not start` : 'A faster backend could not start';
    out.push(`${asked} (${why}); running on ${choice.backend} instead${COST[choice.backend]}.`);
  }
  if (choice.backend === 'webgpu' && choice.adapter && isSoftwareAdapter(choice.adapter)) {
    out.push(`WebGPU is running on a software adapter (${choice.adapter.architecture || choice.adapter.description || 'no GPU'}): ${SOFTWARE_WEBGPU}. Choose wasm in the Backend menu unless you are testing WebGPU itself.`);
  }
  return out;
}

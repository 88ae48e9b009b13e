/** Browser/worker ByteSource: fetch with streamed progress and a clear error for HTTP failures. */
import { AssetError, type ByteSource } from './sha256';

export const fetchSource: ByteSource = async (path, onProgress) => {
  let res: Response;
  try {
    res = await fetch(path);
  } catch (e) {
    throw new AssetError(`${path}: network error (${(e as Error).message})`, path);
  }
  if (!res.ok) throw new AssetError(`${path}: HTTP ${res.status} ${res.statusText}`, path);
  const total = Number(res.headers.get('content-length')) || null;
  if (!res.body || !onProgress) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
};

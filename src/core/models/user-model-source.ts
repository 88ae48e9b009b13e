/**
 * A user's model from a URL: model.json, then every shard its weightsManifest lists, resolved against the
 * model.json URL. A fetch the browser refuses (another origin without CORS headers) and an HTTP error get
 * different messages, since the user fixes them differently. The files are then checked like dropped ones.
 */
import { USER_MODEL_MAX_BYTES, UserModelError, type UserModelFile } from './user-model-input';

export type Fetcher = (url: string) => Promise<Response>;

async function fetchBytes(url: string, fetcher: Fetcher, budget: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetcher(url);
  } catch (e) {
    throw new UserModelError(`${url}: the browser could not fetch it (${(e as Error).message}). A model on another site loads only if `
      + 'that server allows cross-origin requests (CORS: Access-Control-Allow-Origin); serve it from this site, or download the files and drop them here', url);
  }
  if (!res.ok) throw new UserModelError(`${url}: HTTP ${res.status} ${res.statusText}`.trim(), url);
  const declared = Number(res.headers.get('content-length'));
  if (declared > budget) throw new UserModelError(`${url}: ${declared} bytes, over the size limit for a model loaded in the browser`, 'size');
  return new Uint8Array(await res.arrayBuffer());
}

/** The files of the model at `url` (model.json and its shards, named by their manifest paths). */
export async function fetchUserModelFiles(url: string, fetcher: Fetcher = fetch, maxBytes = USER_MODEL_MAX_BYTES): Promise<UserModelFile[]> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UserModelError(`"${url}" is not a URL`, 'url');
  }
  const json = await fetchBytes(base.href, fetcher, maxBytes);
  const files: UserModelFile[] = [{ name: 'model.json', bytes: json }];
  let paths: string[] = [];
  try {
    const manifest = (JSON.parse(new TextDecoder().decode(json)) as { weightsManifest?: { paths?: unknown }[] }).weightsManifest;
    paths = (Array.isArray(manifest) ? manifest : []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []))
      .filter((p): p is string => typeof p === 'string');
  } catch {
    return files; // loadUserModel names the JSON error
  }
  let used = json.length;
  for (const path of paths) {
    const bytes = await fetchBytes(new URL(path, base).href, fetcher, maxBytes - used);
    used += bytes.length;
    files.push({ name: path, bytes });
  }
  return files;
}

/**
 * A user's model from a URL: model.json, then every shard its weightsManifest lists, resolved against the
 * model.json URL. Why a fetch fails decides what the user can do, so each cause has its own message:
 * - the page's own security policy (Content-Security-Policy connect-src) forbids the URL's site: nothing is
 *   fetched, and no server setting can change that; the host of the page can (JUMPRELU_CONNECT_SRC when
 *   building), the user can download the files and drop them;
 * - a site the policy allows refuses: most likely CORS (Access-Control-Allow-Origin) on that server;
 * - the page's own site refuses: a network error, not CORS;
 * - an HTTP error: its status.
 * URLs are echoed through `quoteText` (cleaned, cut to 40 characters). The files are then checked like
 * dropped ones.
 */
import { quoteText } from './quoted-text';
import { USER_MODEL_MAX_BYTES, UserModelError, type UserModelFile } from './user-model-input';

export type Fetcher = (url: string) => Promise<Response>;

/** What the page's Content-Security-Policy lets it fetch (lib/connect-policy.ts reads it from the page). */
export interface ConnectPolicy {
  /** The page's origin. */
  origin: string;
  /** false: the policy's connect-src (or default-src) does not list the URL: the browser would refuse it. */
  allows(url: URL): boolean;
  /** After a fetch failed: whether the browser reported it as a connect-src violation (a policy sent as a header). */
  blocked?(url: URL): Promise<boolean>;
}

/** The build option a host sets to let the page fetch from other sites (vite.config.ts, README "Hosting"). */
export const CONNECT_SRC_OPTION = 'JUMPRELU_CONNECT_SRC';

function policyRefusal(url: URL): UserModelError {
  return new UserModelError(`${quoteText(url.href)}: this page's security policy (Content-Security-Policy connect-src) does not allow `
    + `${quoteText(url.origin)}, so the browser will not fetch it, whatever that server allows. Download the files and drop them here; `
    + `or, if you host this page, list that site in ${CONNECT_SRC_OPTION} when building it (see the README, "Hosting")`, url.href);
}

async function fetchBytes(url: URL, fetcher: Fetcher, budget: number, policy: ConnectPolicy | null): Promise<Uint8Array> {
  if (policy && !policy.allows(url)) throw policyRefusal(url);
  let res: Response;
  try {
    res = await fetcher(url.href);
  } catch (e) {
    if (await policy?.blocked?.(url)) throw policyRefusal(url);
    const why = `${quoteText(url.href)}: the browser could not fetch it (${(e as Error).message})`;
    if (policy && url.origin === policy.origin) throw new UserModelError(`${why}: is the server reachable?`, url.href);
    throw new UserModelError(`${why}. A model on another site loads only if that server allows cross-origin requests `
      + '(CORS: Access-Control-Allow-Origin); serve it from this site, or download the files and drop them here', url.href);
  }
  if (!res.ok) throw new UserModelError(`${quoteText(url.href)}: HTTP ${res.status} ${res.statusText}`.trim(), url.href);
  const declared = Number(res.headers.get('content-length'));
  if (declared > budget) throw new UserModelError(`${quoteText(url.href)}: ${declared} bytes, over the size limit for a model loaded in the browser`, 'size');
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The files of the model at `url` (model.json and its shards, named by their manifest paths). `policy`:
 * the page's connect-src, checked before each fetch (null: none known, as in Node).
 */
export async function fetchUserModelFiles(
  url: string, fetcher: Fetcher = fetch, maxBytes = USER_MODEL_MAX_BYTES, policy: ConnectPolicy | null = null,
): Promise<UserModelFile[]> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UserModelError(`${quoteText(url)} is not a URL`, 'url');
  }
  const json = await fetchBytes(base, fetcher, maxBytes, policy);
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
    const bytes = await fetchBytes(new URL(path, base), fetcher, maxBytes - used, policy);
    used += bytes.length;
    files.push({ name: path, bytes });
  }
  return files;
}

/**
 * A user's model from a URL: shards resolved against model.json's URL; the page's connect-src, CORS and
 * HTTP failures told apart; the URL echoed cleaned and shortened.
 */
import { describe, expect, it } from 'vitest';
import { fetchUserModelFiles, type ConnectPolicy, type Fetcher } from './user-model-source';
import { USER_MODEL_MAX_BYTES, UserModelError } from './user-model-input';

const json = (paths: string[]) => new TextEncoder().encode(JSON.stringify({ weightsManifest: [{ paths, weights: [] }] }));

function server(files: Record<string, Uint8Array>, requested: string[] = []): Fetcher {
  return async (url) => {
    requested.push(url);
    const body = files[url];
    return body ? new Response(body as Uint8Array<ArrayBuffer>) : new Response('nope', { status: 404, statusText: 'Not Found' });
  };
}

describe('fetchUserModelFiles', () => {
  it('fetches model.json and each shard relative to it, named by manifest path', async () => {
    const requested: string[] = [];
    const files = await fetchUserModelFiles('https://example.org/nets/a/model.json', server({
      'https://example.org/nets/a/model.json': json(['group1-shard1of2.bin', 'sub/group1-shard2of2.bin']),
      'https://example.org/nets/a/group1-shard1of2.bin': new Uint8Array([1, 2]),
      'https://example.org/nets/a/sub/group1-shard2of2.bin': new Uint8Array([3]),
    }, requested));
    expect(files.map((f) => [f.name, Array.from(f.bytes)])).toEqual([
      ['model.json', Array.from(json(['group1-shard1of2.bin', 'sub/group1-shard2of2.bin']))],
      ['group1-shard1of2.bin', [1, 2]], ['sub/group1-shard2of2.bin', [3]],
    ]);
    expect(requested).toHaveLength(3);
  });

  it('a refused fetch explains same-origin/CORS; an HTTP error names the URL and status', async () => {
    const refused: Fetcher = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchUserModelFiles('https://other.site/model.json', refused)).rejects.toThrow(/`https:\/\/other\.site\/model\.json`: the browser could not fetch it \(Failed to fetch\).*CORS: Access-Control-Allow-Origin/);
    const missingShard = fetchUserModelFiles('https://example.org/model.json', server({ 'https://example.org/model.json': json(['w.bin']) }));
    await expect(missingShard).rejects.toThrow('`https://example.org/w.bin`: HTTP 404 Not Found');
    await expect(fetchUserModelFiles('not a url', refused)).rejects.toThrow(UserModelError);
  });

  it('stops at the size limit from content-length', async () => {
    const big: Fetcher = async () => new Response(new Uint8Array(10), { headers: { 'content-length': '10' } });
    await expect(fetchUserModelFiles('https://example.org/model.json', big, 5)).rejects.toThrow('over the size limit');
  });

  it('malformed JSON is passed on for loadUserModel to name', async () => {
    const files = await fetchUserModelFiles('https://example.org/model.json', server({ 'https://example.org/model.json': new TextEncoder().encode('{') }));
    expect(files.map((f) => f.name)).toEqual(['model.json']);
  });

  const page = 'https://lab.example';
  const selfOnly: ConnectPolicy = { origin: page, allows: (u) => u.origin === page };

  it('another site the page\'s connect-src forbids: the policy and the build option are named, not CORS; nothing is fetched', async () => {
    const requested: string[] = [];
    const refusal = fetchUserModelFiles('https://other.site/model.json', server({}, requested), USER_MODEL_MAX_BYTES, selfOnly);
    await expect(refusal).rejects.toThrow(/security policy \(Content-Security-Policy connect-src\) does not allow `https:\/\/other\.site`.*JUMPRELU_CONNECT_SRC/);
    await expect(refusal).rejects.not.toThrow(/CORS/);
    expect(requested).toEqual([]);
    // A shard the manifest puts on another site is stopped the same way.
    const shard = fetchUserModelFiles(`${page}/m/model.json`, server({ [`${page}/m/model.json`]: json(['https://cdn.other/w.bin']) }), USER_MODEL_MAX_BYTES, selfOnly);
    await expect(shard).rejects.toThrow(/`https:\/\/cdn\.other\/w\.bin`: this page's security policy/);
  });

  it('a refusal the browser reports as a connect-src violation (a policy sent as a header) is named as the policy too', async () => {
    const refused: Fetcher = () => Promise.reject(new TypeError('Failed to fetch'));
    const headerOnly: ConnectPolicy = { origin: page, allows: () => true, blocked: async (u) => u.origin !== page };
    await expect(fetchUserModelFiles('https://other.site/model.json', refused, USER_MODEL_MAX_BYTES, headerOnly)).rejects.toThrow(/security policy/);
  });

  it('a site the policy allows: CORS is the likely cause; a failure on the page\'s own site does not blame CORS', async () => {
    const refused: Fetcher = () => Promise.reject(new TypeError('Failed to fetch'));
    const allowing: ConnectPolicy = { origin: page, allows: () => true };
    await expect(fetchUserModelFiles('https://other.site/model.json', refused, USER_MODEL_MAX_BYTES, allowing)).rejects.toThrow(/CORS/);
    const own = fetchUserModelFiles(`${page}/model.json`, refused, USER_MODEL_MAX_BYTES, allowing);
    await expect(own).rejects.toThrow(/could not fetch it \(Failed to fetch\)/);
    await expect(own).rejects.not.toThrow(/CORS/);
  });

  it('the URL is echoed cleaned of control and bidi characters and shortened', async () => {
    const long = `https://example.org/${'a'.repeat(20_000)}/model.json`;
    const messages = await Promise.all([
      fetchUserModelFiles(long, server({})).catch((e: Error) => e.message),
      fetchUserModelFiles(`\u202Enot a url${'b'.repeat(20_000)}`, server({})).catch((e: Error) => e.message),
      fetchUserModelFiles(long, () => Promise.reject(new TypeError('Failed to fetch'))).catch((e: Error) => e.message),
    ]);
    for (const m of messages) {
      expect(m.length).toBeLessThan(600);
      expect(m).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      expect(m).toMatch(/`[^`]{1,40}…`/);
    }
  });
});

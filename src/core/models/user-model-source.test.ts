/** A user's model from a URL: shards resolved against model.json's URL; CORS and HTTP failures told apart. */
import { describe, expect, it } from 'vitest';
import { fetchUserModelFiles, type Fetcher } from './user-model-source';
import { UserModelError } from './user-model-input';

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
    await expect(fetchUserModelFiles('https://other.site/model.json', refused)).rejects.toThrow(/https:\/\/other\.site\/model\.json: the browser could not fetch it \(Failed to fetch\).*CORS: Access-Control-Allow-Origin/);
    const missingShard = fetchUserModelFiles('https://example.org/model.json', server({ 'https://example.org/model.json': json(['w.bin']) }));
    await expect(missingShard).rejects.toThrow('https://example.org/w.bin: HTTP 404 Not Found');
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
});

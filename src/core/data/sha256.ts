/** SHA-256 via Web Crypto (browsers, workers and Node ≥ 20 all have crypto.subtle). */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reads a resource as bytes; the browser passes a fetch-based one, Node a file-system one. */
export type ByteSource = (path: string, onProgress?: (loaded: number, total: number | null) => void) => Promise<Uint8Array>;

export class AssetError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'AssetError';
  }
}

/**
 * Just enough of IndexedDB for src/lib/kept-model.ts in Node tests: open (with upgradeneeded), object
 * stores without key paths, readonly/readwrite transactions with get/put/delete, values stored as
 * structured clones. Requests answer in later tasks and a transaction completes after its last request,
 * as in a browser, so code that chains requests inside one transaction is exercised as written. One
 * instance stands for one browser profile: several stores (tabs) given the same instance share it.
 */
type Handler = ((this: unknown, ev: unknown) => void) | null;

interface Req<T = unknown> { result: T; error: DOMException | null; onsuccess: Handler; onerror: Handler; onupgradeneeded?: Handler }

export function memoryIndexedDB(): { indexedDB: IDBFactory; data: Map<string, Map<string, Map<IDBValidKey, unknown>>> } {
  const data = new Map<string, Map<string, Map<IDBValidKey, unknown>>>();
  const later = (f: () => void) => setTimeout(f, 0);

  function database(name: string) {
    const stores = data.get(name)!;
    return {
      createObjectStore: (store: string) => { stores.set(store, new Map()); },
      close: () => {},
      transaction: (store: string, mode: IDBTransactionMode) => {
        const tx = { oncomplete: null as Handler, onerror: null as Handler, error: null as DOMException | null, objectStore: (n: string) => objectStore(n) };
        let pending = 0;
        const settle = () => later(() => { if (--pending === 0) tx.oncomplete?.call(tx, {}); });
        const request = <T>(body: () => T): Req<T> => {
          const req: Req<T> = { result: undefined as T, error: null, onsuccess: null, onerror: null };
          pending++;
          later(() => {
            req.result = body();
            req.onsuccess?.call(req, { target: req });
            settle();
          });
          return req;
        };
        function objectStore(n: string) {
          const map = stores.get(n);
          if (!map || n !== store) throw new DOMException(`no object store ${n}`, 'NotFoundError');
          const writable = () => { if (mode !== 'readwrite') throw new DOMException('read-only transaction', 'ReadOnlyError'); };
          return {
            get: (key: IDBValidKey) => request(() => (map.has(key) ? structuredClone(map.get(key)) : undefined)),
            put: (value: unknown, key: IDBValidKey) => { writable(); const copy = structuredClone(value); return request(() => { map.set(key, copy); return key; }); },
            delete: (key: IDBValidKey) => { writable(); return request(() => { map.delete(key); return undefined; }); },
          };
        }
        // A transaction with no request completes too.
        later(() => { if (pending === 0) { pending = 1; settle(); } });
        return tx;
      },
    };
  }

  const factory = {
    open: (name: string, version?: number) => {
      const req: Req<unknown> = { result: undefined, error: null, onsuccess: null, onerror: null, onupgradeneeded: null };
      later(() => {
        const fresh = !data.has(name);
        if (fresh) data.set(name, new Map());
        req.result = database(name);
        if (fresh && version !== undefined) req.onupgradeneeded?.call(req, {});
        req.onsuccess?.call(req, {});
      });
      return req;
    },
  };
  return { indexedDB: factory as unknown as IDBFactory, data };
}

// Makes an in-process restart behave like a crash for the store. When a process dies, its in-flight
// writes stop; in-process, the old request handlers keep running after their sockets are destroyed and
// could write to disk while the new store is recovering from it. So the old store is reached only
// through this fence: the restart waits for the writes it has started to settle, then seals it, and
// any later call from a stale handler fails instead of touching the data dir.

import type { Store } from '../persistence/store.ts';

export interface StoreFence {
  store: Store;
  /** Waits (at most `timeoutMs`) until no call through the fence is pending, then refuses new ones. */
  seal(timeoutMs: number): Promise<void>;
}

class StoreSealedError extends Error {
  constructor() {
    super('the emulator restarted; this store instance is closed');
  }
}

export function fenceStore(store: Store): StoreFence {
  const pending = new Set<Promise<unknown>>();
  let sealed = false;

  const fenced = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (sealed) throw new StoreSealedError();
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          pending.add(result);
          result.then(
            () => pending.delete(result),
            () => pending.delete(result),
          );
        }
        return result;
      };
    },
  });

  return {
    store: fenced,
    async seal(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      // A settling call lets its handler continue and perhaps start the next one (a received body is then
      // committed), so wait until a whole turn of the event loop passes with nothing pending.
      while (performance.now() < deadline) {
        if (pending.size === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (pending.size === 0) break;
        }
        const left = deadline - performance.now();
        await Promise.race([
          Promise.allSettled([...pending]),
          new Promise((resolve) => setTimeout(resolve, Math.max(0, left)).unref()),
        ]);
      }
      sealed = true;
    },
  };
}

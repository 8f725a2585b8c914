// Only one sender per upload, whatever woke the worker (a sync event, a page message, start-up),
// and across worker versions during an update: a Web Lock per upload, taken if free.

export interface UploadLocks {
  /** Runs `task` holding the named lock; resolves `{ acquired: false }` at once when someone holds it. */
  ifAvailable<T>(
    name: string,
    task: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

type LockManagerLike = Pick<LockManager, 'request'>;

export function webLocks(locks: LockManagerLike): UploadLocks {
  return {
    async ifAvailable<T>(name: string, task: () => Promise<T>) {
      let result: { acquired: true; value: T } | { acquired: false } = { acquired: false };
      await locks.request(name, { ifAvailable: true }, async (lock) => {
        if (lock) result = { acquired: true, value: await task() };
      });
      return result;
    },
  };
}

/** The same contract within one JavaScript realm (Node tests, browsers without navigator.locks). */
export function memoryLocks(): UploadLocks {
  const held = new Set<string>();
  return {
    async ifAvailable<T>(name: string, task: () => Promise<T>) {
      if (held.has(name)) return { acquired: false };
      held.add(name);
      try {
        return { acquired: true, value: await task() };
      } finally {
        held.delete(name);
      }
    },
  };
}

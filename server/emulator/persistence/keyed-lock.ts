// One in-process read/write lock per name. The emulator is a single process, so this is enough to make
// a Complete, an Abort and the part commits of the same upload id (or two writes of one key) take turns.
// Shared holders run together (the parts of one upload commit in parallel); an exclusive holder runs
// alone. Waiters are served in arrival order, so once an exclusive request queues, later shared ones
// wait behind it: a Complete is not starved by a stream of parts, and a part that arrives after it
// runs after it.

interface Waiter {
  exclusive: boolean;
  start(): void;
}

interface LockState {
  shared: number;
  exclusive: boolean;
  queue: Waiter[];
}

export class KeyedLock {
  private readonly states = new Map<string, LockState>();

  /** Runs `task` with no other holder of `name`. */
  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.hold(name, true, task);
  }

  /** Runs `task` alongside other shared holders of `name`, but never alongside an exclusive one. */
  runShared<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.hold(name, false, task);
  }

  private async hold<T>(name: string, exclusive: boolean, task: () => Promise<T>): Promise<T> {
    let state = this.states.get(name);
    if (!state) {
      state = { shared: 0, exclusive: false, queue: [] };
      this.states.set(name, state);
    }
    const held = state;
    await new Promise<void>((start) => {
      held.queue.push({ exclusive, start });
      this.admit(held);
    });
    try {
      return await task();
    } finally {
      if (exclusive) held.exclusive = false;
      else held.shared--;
      this.admit(held);
      // Forget an idle entry, so the map does not grow with every key ever used.
      if (!held.exclusive && held.shared === 0 && held.queue.length === 0) this.states.delete(name);
    }
  }

  /** Starts queued waiters from the front for as long as they are compatible with the current holders. */
  private admit(state: LockState): void {
    for (let next = state.queue[0]; next && !state.exclusive; next = state.queue[0]) {
      if (next.exclusive) {
        if (state.shared > 0) return;
        state.exclusive = true;
      } else {
        state.shared++;
      }
      state.queue.shift();
      next.start();
    }
  }
}

// One in-process mutex per name. The emulator is a single process, so this is enough to make a
// Complete, an Abort and a part commit of the same upload id (or two writes of one key) run one at a time.

export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(name, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Forget the entry once nobody queued behind us, so the map does not grow with every key ever used.
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}

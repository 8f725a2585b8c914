// The engine's one budget of requests in flight, shared by every upload it runs at once: a PutObject
// or an UploadPart holds a slot from the moment it is signed until its answer is in. A request that
// finds every slot taken waits; when one frees, the waiting request with the lowest priority number
// goes first (the engine passes the bytes its upload still has to send, so a small file never waits
// behind the parts of a big one), ties in arrival order.
//
// The budget adapts: OSS asking to slow down (SlowDown) halves it at once; after that, every budget's
// worth of requests that go through adds a slot back, up to the ceiling the uploads ask for.

export type ReleaseSlot = () => void;

interface Waiter {
  priority: number;
  seq: number;
  grant: (release: ReleaseSlot) => void;
}

export class SendSlots {
  private inUse = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];
  private ceiling: number;
  /** Requests that went through since the budget last changed. */
  private successes = 0;

  constructor(private limit: number) {
    if (!(limit >= 1)) throw new RangeError(`A send budget needs at least one slot, not ${limit}`);
    this.ceiling = limit;
  }

  /** Slots in the budget now. */
  get capacity(): number {
    return this.limit;
  }

  /** Requests holding a slot now. */
  get busy(): number {
    return this.inUse;
  }

  /** Requests waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Sets the largest the budget may be (the uploads' `parallel`). A budget cut back by backOff()
   * stays below it until requests go through again; otherwise it takes the new size. A smaller one
   * takes effect as requests finish (none is cut off); a larger one lets waiting requests start.
   */
  resize(ceiling: number): void {
    const throttled = this.limit < this.ceiling;
    this.ceiling = Math.max(1, Math.floor(ceiling));
    this.limit = throttled ? Math.min(this.limit, this.ceiling) : this.ceiling;
    this.grantWaiting();
  }

  /** OSS asked to slow down: half the budget (at least one slot), at once. */
  backOff(): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successes = 0;
  }

  /** A request went through: after a budget's worth of them, one slot more, up to the ceiling. */
  succeeded(): void {
    if (this.limit >= this.ceiling) return;
    if (++this.successes < this.limit) return;
    this.successes = 0;
    this.limit++;
    this.grantWaiting();
  }

  /**
   * Resolves with the function that gives the slot back (call it exactly once, whatever happens to
   * the request). `signal` withdraws a request still waiting.
   */
  acquire(priority: number, signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = { priority, seq: this.seq++, grant: resolve };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      waiter.grant = (release) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.grantWaiting();
    });
  }

  private grantWaiting(): void {
    while (this.inUse < this.limit && this.waiting.length > 0) {
      let best = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        const w = this.waiting[i]!;
        const b = this.waiting[best]!;
        if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
      }
      const [waiter] = this.waiting.splice(best, 1);
      this.inUse++;
      let released = false;
      waiter!.grant(() => {
        if (released) return;
        released = true;
        this.inUse--;
        this.grantWaiting();
      });
    }
  }
}

// Runs a task now and then every `intervalMs`, never two at once; pausable; "refresh" runs it now
// and restarts the wait. Stopped while its view is hidden, so a hidden tab costs no requests.

export interface PollerOptions {
  intervalMs?: number;
  onChange?: () => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export const DEFAULT_POLL_INTERVAL_MS = 10_000;

export class Poller {
  readonly intervalMs: number;
  paused = false;
  busy = false;
  /** When the last run finished (ms), undefined before the first. */
  lastAt?: number;
  private active = false;
  private timer: unknown;
  private inflight?: Promise<void>;
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly options: PollerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  /** Begins polling with a run at once. */
  start(): void {
    if (this.active) return;
    this.active = true;
    void this.refresh();
  }

  stop(): void {
    this.active = false;
    this.cancelTimer();
  }

  pause(): void {
    this.paused = true;
    this.cancelTimer();
    this.options.onChange?.();
  }

  resume(): void {
    this.paused = false;
    this.options.onChange?.();
    void this.refresh();
  }

  /** Runs the task now (or joins the run in progress), then waits a full interval again. */
  refresh(): Promise<void> {
    this.cancelTimer();
    this.inflight ??= this.run().finally(() => {
      this.inflight = undefined;
      this.schedule();
    });
    return this.inflight;
  }

  private async run(): Promise<void> {
    this.busy = true;
    this.options.onChange?.();
    try {
      await this.task();
    } finally {
      this.busy = false;
      this.lastAt = this.now();
      this.options.onChange?.();
    }
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.active || this.paused) return;
    this.timer = this.setTimer(() => void this.refresh(), this.intervalMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }
}

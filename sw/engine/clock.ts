// The signing clock. OSS refuses requests more than 15 minutes off its own time
// (RequestTimeTooSkewed); the error carries ServerTime, and from then on we sign with that offset.

export class SkewClock {
  private offsetMs = 0;
  constructor(private readonly localNow: () => number = Date.now) {}

  /** Local time corrected by the last known offset to the server's clock. */
  readonly now = (): number => this.localNow() + this.offsetMs;

  correct(serverTime: number): void {
    this.offsetMs = serverTime - this.localNow();
  }

  get offset(): number {
    return this.offsetMs;
  }
}

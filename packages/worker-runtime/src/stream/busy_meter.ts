/**
 * The worker's load: the fraction of wall time it spent processing frames, over windows of about a
 * second. Each frame's busy span is added when it ends; a window closes at the first frame that
 * ends a second or more after it opened, and its fraction (busy ms / window ms) is what `busy`
 * reports until the next closes. Pure (times in ms from any one clock).
 */
export class BusyMeter {
  private windowStart = NaN;
  private busyMs = 0;
  /** The last closed window's busy fraction (0..1), or NaN before the first closes. */
  busy = NaN;

  constructor(private readonly windowMs = 1000) {}

  /** A frame kept the worker busy from `startMs` to `endMs`; returns `busy`. */
  add(startMs: number, endMs: number): number {
    if (Number.isNaN(this.windowStart)) this.windowStart = startMs;
    this.busyMs += Math.max(0, endMs - Math.max(startMs, this.windowStart));
    const elapsed = endMs - this.windowStart;
    if (elapsed >= this.windowMs) {
      this.busy = Math.min(1, this.busyMs / elapsed);
      this.windowStart = endMs;
      this.busyMs = 0;
    }
    return this.busy;
  }

  /** Start over (the source stopped): idle time between sources is not load. */
  reset(): void {
    this.windowStart = NaN;
    this.busyMs = 0;
    this.busy = NaN;
  }
}

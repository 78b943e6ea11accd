/**
 * A live source that fails the same way on every frame (15-30 a second) would fire as many `error`
 * events. The first one is dispatched; identical ones after it (same code and message) are counted
 * and reported as one event with `repeated` (the count since the last event) when the run ends
 * (a frame goes through, another error, the source stops) and at most once every `intervalMs`
 * while it goes on.
 */
import type { ErrorDetail } from './events.js';

export class RepeatedErrors {
  private current: ErrorDetail | null = null;
  private count = 0;
  private lastEvent = 0;

  constructor(
    private readonly dispatch: (detail: ErrorDetail) => void,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  error(detail: ErrorDetail): void {
    const c = this.current;
    if (c && c.code === detail.code && c.message === detail.message) {
      this.count++;
      if (this.now() - this.lastEvent >= this.intervalMs) this.flush();
      return;
    }
    this.end();
    this.current = { code: detail.code, message: detail.message };
    this.lastEvent = this.now();
    this.dispatch(detail);
  }

  /** The run of identical errors is over (a frame went through, or the source stopped): report its count. */
  end(): void {
    this.flush();
    this.current = null;
  }

  private flush(): void {
    if (!this.current || this.count === 0) return;
    const n = this.count;
    this.count = 0;
    this.lastEvent = this.now();
    this.dispatch({ ...this.current, repeated: n, message: `${this.current.message} (${n} more time${n === 1 ? '' : 's'} since the last report)` });
  }
}

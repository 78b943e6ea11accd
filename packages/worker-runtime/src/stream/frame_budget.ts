/**
 * The element's `max-fps`: which frames of a source to process so that at most `maxFps` a second
 * are, by their timestamps. Due times advance by exactly one period per frame taken (so a 30 fps
 * source under `maxFps` 10 gives 10 a second, not 7.5 from jitter), with a tenth of a period of
 * slack for frames that arrive a little early; after a gap (paused, a slow frame) they start over
 * from the next frame. Pure: the worker (camera frames) and the page (`src` video frames) use it.
 */
export class FrameBudget {
  private nextDue = -Infinity;
  private periodMs = 0;

  /** `maxFps` <= 0 or not finite: no limit (every frame). */
  constructor(maxFps = 0) {
    this.maxFps = maxFps;
  }

  set maxFps(fps: number) {
    const period = Number.isFinite(fps) && fps > 0 ? 1000 / fps : 0;
    if (period !== this.periodMs) this.nextDue = -Infinity;
    this.periodMs = period;
  }

  get maxFps(): number {
    return this.periodMs ? 1000 / this.periodMs : 0;
  }

  /** Whether to process the frame stamped `timestampMs` (ms, increasing); true counts it as taken. */
  admit(timestampMs: number): boolean {
    if (!this.periodMs) return true;
    if (timestampMs < this.nextDue - this.periodMs / 10) return false;
    // Behind by more than a period (a gap, or the first frame): start over from this frame.
    this.nextDue = timestampMs - this.nextDue > this.periodMs ? timestampMs + this.periodMs : this.nextDue + this.periodMs;
    return true;
  }
}

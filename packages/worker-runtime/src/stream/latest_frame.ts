/**
 * Latest frame wins: at most one frame is being processed and at most one waits; a newer frame
 * replaces (and closes) the waiting one. Frames are never queued, so a slow device drops frames
 * instead of falling behind and growing memory.
 */
export interface Closable {
  close(): void;
}

export class LatestFrameProcessor<F extends Closable> {
  private waiting: F | null = null;
  private busy = false;
  private stopped = false;
  /** Frames closed unprocessed because a newer one arrived. */
  dropped = 0;
  processed = 0;

  constructor(
    private readonly handle: (frame: F) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(frame: F): void {
    if (this.stopped) {
      frame.close();
      return;
    }
    if (this.waiting) {
      this.waiting.close();
      this.dropped++;
    }
    this.waiting = frame;
    void this.pump();
  }

  /** Close the waiting frame and refuse new ones. */
  stop(): void {
    this.stopped = true;
    this.waiting?.close();
    this.waiting = null;
  }

  /** Frames held: the one being processed and the one waiting (0..2). */
  get held(): number {
    return (this.busy ? 1 : 0) + (this.waiting ? 1 : 0);
  }

  get idle(): boolean {
    return !this.busy && !this.waiting;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiting && !this.stopped) {
        const frame = this.waiting;
        this.waiting = null;
        try {
          await this.handle(frame);
          this.processed++;
        } catch (e) {
          this.onError(e);
        } finally {
          frame.close();
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** Reads a stream of frames into the processor as fast as they come (so the source never backs up). */
export async function pumpStream<F extends Closable>(
  readable: ReadableStream<F>,
  processor: LatestFrameProcessor<F>,
  signal: AbortSignal,
): Promise<void> {
  const reader = readable.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (signal.aborted) {
        value.close();
        return;
      }
      processor.push(value);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}

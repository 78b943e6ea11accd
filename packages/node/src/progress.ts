/**
 * Progress of a long run on stderr: a bar redrawn in place on a terminal, one line per image
 * otherwise (logs and CI keep every line).
 */
export class Progress {
  private done = 0;
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** One image finished; `line` describes it (printed as is when not on a terminal). */
  step(line: string): void {
    this.done++;
    if (!this.tty) {
      this.stream.write(`${line}\n`);
      return;
    }
    const now = performance.now();
    if (this.done < this.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    const seconds = (now - this.start) / 1000;
    const rate = this.done / Math.max(seconds, 1e-3);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${rate.toFixed(1)} img/s, ${formatSeconds(eta)} left  `);
  }

  /** Leaves the bar's line. */
  end(): void {
    if (this.tty && this.done > 0) this.stream.write('\n');
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

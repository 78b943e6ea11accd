/**
 * `threads="auto"` in the worker: measures the candidates once the models are loaded (on the
 * threaded binary, its pool resized in place), then feeds each tracking frame's mesh time to the
 * governor (thread_choice.ts) and follows it. One thread runs on the SIMD binary, as
 * `threads="off"` does: the threaded binary's one thread cost up to ~10% more a frame under
 * contention (docs/performance.md), so settling on one thread restarts the backend on the SIMD
 * binary, and trying more threads again restarts it on the threaded one (the host rebuilds the
 * models there; the tracking goes on). Explicit counts, 'off' and pages without threads get a fixed
 * choice that says why.
 */
import { autoThreadCandidates, pickThreads, ThreadGovernor, type GovernorSettings, type ThreadChoice } from './thread_choice.js';
import type { WasmBinary } from '@face-mesh/tflite/types';

/** Start-up measurement: runs per candidate (after WARMUP_RUNS), a mesh run each. */
const MEASURE_RUNS = 8;
const WARMUP_RUNS = 2;

/** Whether `auto` measures: auto asked, no binary forced, and more than one candidate for `cores`. */
export function measuresThreads(options: { threads?: 'auto' | 'off' | number; binary?: string }, cores: number): boolean {
  return (options.threads ?? 'auto') === 'auto' && !options.binary && autoThreadCandidates(cores).length > 1;
}

/** The choice when nothing is measured: what was set, or why threads are off. */
export function fixedChoice(threads: number, binary: WasmBinary, requested: 'auto' | 'off' | number | undefined, note: string | undefined): ThreadChoice {
  const reason = typeof requested === 'number' ? `threads="${requested}" was set.${threads !== requested ? ` ${threads} obtained${note ? `: ${note}` : '.'}` : ''}`
    : requested === 'off' ? 'threads="off" was set.'
    : note ?? 'One thread: the page reports fewer than 4 cores, so auto compares no thread counts (half the cores, at least 2, are tried).';
  return { threads, binary, candidates: [threads], measuredMs: {}, reason };
}

/** What the tuning needs from the worker. */
export interface TuningHost {
  /** One mesh model run on whatever its input holds; returns its ms. */
  meshRun(): number;
  /** Resize the threaded binary's pool in place; returns the count it reports. */
  resizePool(threads: number): number;
  /**
   * Restart the backend on `binary` with `threads`, the models built again there and the tracking
   * kept. Rejects (with what still runs: the previous binary, started again) when it could not.
   */
  switchBinary(binary: WasmBinary, threads: number): Promise<void>;
}

export class ThreadTuning {
  private poolThreads = 1;
  private binary: WasmBinary = 'threaded-simd';
  private governor: ThreadGovernor | null = null;
  choice: ThreadChoice;

  constructor(
    private readonly candidates: number[],
    private readonly host: TuningHost,
    private readonly settings: Partial<GovernorSettings> = {},
  ) {
    this.choice = { threads: 1, binary: 'threaded-simd', candidates, measuredMs: {}, reason: 'Not measured yet.' };
  }

  /**
   * Time each candidate (one mesh run each), keep the faster; one thread then moves to the SIMD
   * binary (`onSwitch` first: the start-up's 'thread-switch' stage). Resolves with the choice.
   */
  async measure(onSwitch?: () => void): Promise<ThreadChoice> {
    const times: Record<number, number[]> = {};
    for (const n of this.candidates) {
      this.resize(n);
      for (let i = 0; i < WARMUP_RUNS; i++) this.host.meshRun();
      times[n] = Array.from({ length: MEASURE_RUNS }, () => this.host.meshRun());
    }
    const picked = pickThreads(times);
    this.resize(picked.threads);
    this.choice = { ...picked, binary: this.binary };
    this.governor = new ThreadGovernor(Math.max(...this.candidates), this.choice, this.settings);
    if (picked.threads === 1) {
      onSwitch?.();
      const { note } = await this.moveTo(1);
      if (note) this.governor.failed(1, note, performance.now());
      this.choice = { ...picked, binary: this.binary, reason: `${picked.reason} ${note || 'It runs on the SIMD binary, as threads="off" does.'}` };
    }
    return this.choice;
  }

  /**
   * A tracking frame's mesh time (ms) at `nowMs`: resolves with the new choice when the governor
   * switched (or kept more threads after a probe), once the switch is made; else null.
   */
  async frame(meshMs: number, nowMs: number): Promise<ThreadChoice | null> {
    const governor = this.governor;
    const change = governor?.sample(meshMs, nowMs);
    if (!governor || !change) return null;
    const { threads, note } = await this.moveTo(change.to);
    if (note) governor.failed(threads, note, performance.now());
    const count = threads === 1 ? 'One thread' : `${threads} threads`;
    this.choice = { threads, binary: this.binary, candidates: this.candidates, measuredMs: governor.measuredMs, reason: note ? `${count}: ${note}` : change.reason };
    return this.choice;
  }

  /**
   * Run on `threads`: one on the SIMD binary, more on the threaded one. When the other binary does
   * not start, the one that ran goes on (one thread of the threaded binary, or the SIMD binary), and
   * `note` says why.
   */
  private async moveTo(threads: number): Promise<{ threads: number; note: string }> {
    const binary: WasmBinary = threads === 1 ? 'simd' : 'threaded-simd';
    if (binary === this.binary) {
      this.resize(threads);
      return { threads, note: '' };
    }
    try {
      await this.host.switchBinary(binary, threads);
      this.binary = binary;
      this.poolThreads = threads;
      return { threads, note: '' };
    } catch (e) {
      this.resize(1);
      const why = e instanceof Error ? e.message : String(e);
      return { threads: 1, note: `the ${binary} binary could not be started (${why}), so one thread of the ${this.binary} binary runs, and auto tries no other thread count.` };
    }
  }

  private resize(n: number): void {
    if (n === this.poolThreads || this.binary !== 'threaded-simd') return;
    this.poolThreads = this.host.resizePool(n);
  }
}

/**
 * `threads="auto"` in the worker: measures the candidates once the models are loaded (the threaded
 * binary on one thread runs at the SIMD binary's speed, so both are compared in it), then feeds
 * each tracking frame's mesh time to the governor (thread_choice.ts) and resizes the thread pool
 * when it says so, in place: tracking goes on. Explicit counts, 'off' and pages without threads
 * get a fixed choice that says why.
 */
import { autoThreadCandidates, pickThreads, ThreadGovernor, type ThreadChoice } from './thread_choice.js';
import { resizePool } from '@face-mesh/tflite';

/** Emscripten's pthread pool in tfjs-backend-wasm's threaded build: the threads it starts up front. */
const WASM_POOL_THREADS = 8;
/** Start-up measurement: runs per candidate (after WARMUP_RUNS), a mesh run each. */
const MEASURE_RUNS = 8;
const WARMUP_RUNS = 2;

/** Whether `auto` measures: auto asked, no binary forced, and more than one candidate for `cores`. */
export function measuresThreads(options: { threads?: 'auto' | 'off' | number; binary?: string }, cores: number): boolean {
  return (options.threads ?? 'auto') === 'auto' && !options.binary && autoThreadCandidates(cores).length > 1;
}

/** The choice when nothing is measured: what was set, or why threads are off. */
export function fixedChoice(threads: number, requested: 'auto' | 'off' | number | undefined, note: string | undefined): ThreadChoice {
  const reason = typeof requested === 'number' ? `threads="${requested}" was set.${threads !== requested ? ` ${threads} obtained${note ? `: ${note}` : '.'}` : ''}`
    : requested === 'off' ? 'threads="off" was set.'
    : note ?? 'One thread: the page reports fewer than 4 cores, so auto compares no thread counts (half the cores, at least 2, are tried).';
  return { threads, candidates: [threads], measuredMs: {}, reason };
}

export class ThreadTuning {
  private poolThreads = 1;
  /** Pool threads started so far (a pool of n takes n - 1; a replaced pool keeps its threads). */
  private taken = 0;
  private governor: ThreadGovernor | null = null;
  choice: ThreadChoice;

  constructor(private readonly candidates: number[]) {
    this.choice = { threads: 1, candidates, measuredMs: {}, reason: 'Not measured yet.' };
  }

  /** Time each candidate with `meshRun` (one mesh model run, returns its ms), keep the faster. */
  measure(meshRun: () => number): ThreadChoice {
    const times: Record<number, number[]> = {};
    for (const n of this.candidates) {
      this.resize(n);
      for (let i = 0; i < WARMUP_RUNS; i++) meshRun();
      times[n] = Array.from({ length: MEASURE_RUNS }, meshRun);
    }
    this.choice = pickThreads(times);
    this.resize(this.choice.threads);
    this.governor = new ThreadGovernor(Math.max(...this.candidates), this.choice, { spareThreads: WASM_POOL_THREADS - this.taken });
    return this.choice;
  }

  /**
   * A tracking frame's mesh time (ms) at `nowMs`: returns the new choice when the governor switched
   * (or kept more threads after a probe), else null.
   */
  frame(meshMs: number, nowMs: number): ThreadChoice | null {
    const change = this.governor?.sample(meshMs, nowMs);
    if (!change) return null;
    this.resize(change.to);
    this.choice = { threads: change.to, candidates: this.candidates, measuredMs: this.governor!.measuredMs, reason: change.reason };
    return this.choice;
  }

  private resize(n: number): void {
    if (n === this.poolThreads) return;
    if (n > 1) this.taken += n - 1;
    this.poolThreads = resizePool(n);
  }
}

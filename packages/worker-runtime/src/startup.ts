/**
 * A worker's start-up, stage by stage, and how long each stage may take. The worker reports each
 * stage as it begins (the `onStage` callback of init() and createPipeline()); the page runs a
 * StartupWatch that gives every stage a deadline derived from its work: a download may go without
 * bytes for the stall time (each chunk starts it again), a compile gets a floor plus time per
 * megabyte, the other stages a floor. A stage past its deadline is a worker stuck there (Firefox
 * was seen never to start a nested worker: docs/browser-support.md): the element retries once in a
 * fresh worker, then reports `startup-stalled` naming the stage.
 *
 * Page-safe: no tfjs (the element imports it as `@face-mesh/worker-runtime/startup`).
 */

/** The stages, in the order a start-up goes through them. */
export const STARTUP_STAGES = [
  /** The worker's script loading, until the worker answers its first message. */
  'worker-script',
  /** Downloading the WebAssembly binary. */
  'wasm-fetch',
  /** Compiling it. */
  'wasm-compile',
  /** Instantiating it and starting tfjs' runtime on it (its thread pool, when threaded). */
  'wasm-start',
  /** Downloading the models (in parallel). */
  'model-fetch',
  /** Parsing, checking and compiling them into plans. */
  'model-compile',
  /** threads="auto" timing the loaded mesh model on its candidate thread counts (the pool grows). */
  'thread-measure',
  /**
   * threads="auto" settled on one thread: the backend restarts on the SIMD binary (its download
   * when not fetched yet, its compile and start) and the models are built again there.
   */
  'thread-switch',
] as const;
export type StartupStage = (typeof STARTUP_STAGES)[number];

/** What the worker says as a stage begins. */
export interface StageReport {
  stage: StartupStage;
  /** The bytes the stage works on (a compile's input), when known. */
  bytes?: number;
  /** The file it works on, when one. */
  url?: string;
}

export type StageListener = (report: StageReport) => void;

/**
 * How long a stage may take. Measured on this project's 2-core test machine (docs/browser-support.md,
 * "Start-up deadlines"): the worker answers within 0.1-0.4 s from source (about a hundred modules)
 * and under 0.1 s built; the 425 kB binary compiles in under 0.1 s; the runtime starts in under 0.1 s
 * on one thread and 0.1-0.3 s with its thread pool; the 2.7 MB of models compile in 0.1-0.3 s. The
 * deadlines leave a slow phone (10x) on a contended core another 10x and more.
 */
export interface StartupDeadlines {
  /** The least time any stage gets. */
  floorMs: number;
  /** Compiles: added per megabyte of input. */
  compileMsPerMB: number;
  /** Downloads: the longest time without a byte (the worker's own fetch stall timeout is the same). */
  stallMs: number;
}

export const STARTUP_DEADLINES: Readonly<StartupDeadlines> = Object.freeze({ floorMs: 10_000, compileMsPerMB: 4_000, stallMs: 30_000 });

const isDownload = (stage: StartupStage) => stage === 'wasm-fetch' || stage === 'model-fetch';

/** The deadline of a stage that just began, in milliseconds. */
export function stageDeadlineMs(report: StageReport, d: StartupDeadlines = STARTUP_DEADLINES): number {
  if (isDownload(report.stage)) return Math.max(d.floorMs, d.stallMs);
  // (a download, then compiles: the download's stall time, then a compile's time for the models)
  if (report.stage === 'thread-switch') return Math.max(d.floorMs, d.stallMs) + d.floorMs + ((report.bytes ?? 0) / 1e6) * d.compileMsPerMB;
  if (report.stage === 'wasm-compile' || report.stage === 'model-compile') return d.floorMs + ((report.bytes ?? 0) / 1e6) * d.compileMsPerMB;
  return d.floorMs;
}

/** A stage that did not finish within its deadline. */
export class StartupStalledError extends Error {
  constructor(
    readonly stage: StartupStage,
    readonly waitedMs: number,
    readonly url?: string,
  ) {
    super(`The face-mesh worker's start-up stalled at stage ${stage}${url ? ` (${url})` : ''}: nothing happened for ${(waitedMs / 1000).toFixed(1)} s.`);
    this.name = 'StartupStalledError';
  }
}

/**
 * Deadlines for one worker's start-up. `enter` as each stage begins (the worker's reports, and the
 * page's own 'worker-script'), `progress` as a download delivers bytes, `watch` any promise of the
 * start-up: it rejects with StartupStalledError when the current stage passes its deadline.
 */
export class StartupWatch {
  /** The stage in progress. */
  current: StageReport | null = null;
  /** When it began, or (a download) last delivered bytes. */
  private since = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reject: (e: StartupStalledError) => void = () => {};
  private readonly stalled: Promise<never>;

  constructor(private readonly deadlines: StartupDeadlines = STARTUP_DEADLINES) {
    this.stalled = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    this.stalled.catch(() => {}); // observed through watch()
  }

  /** A stage began. */
  readonly enter = (report: StageReport): void => {
    this.current = report;
    this.since = performance.now();
    this.arm(stageDeadlineMs(report, this.deadlines));
  };

  /** A download delivered bytes: its stall deadline starts again. */
  readonly progress = (): void => {
    if (!this.current || !isDownload(this.current.stage)) return;
    this.since = performance.now();
    this.arm(stageDeadlineMs(this.current, this.deadlines));
  };

  /** Settles like `promise`, unless the stage in progress passes its deadline first. */
  watch<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stalled]);
  }

  /** The start-up is over (done or failed): no more deadlines. */
  stop(): void {
    clearTimeout(this.timer);
    this.current = null;
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    const stage = this.current;
    this.timer = setTimeout(() => {
      if (stage) this.reject(new StartupStalledError(stage.stage, performance.now() - this.since, stage.url));
    }, ms);
  }
}

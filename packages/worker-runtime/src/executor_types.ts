/** The Executor's option and profile types, apart from its tfjs code (the published typings reach these without tfjs). */
export interface ExecutorOptions {
  /** Fuse PRELU/RELU (and the bias) into the preceding conv. Default true; false for benchmarks. */
  fuse?: boolean;
}

/** Time per op type over the profiled runs, largest first. */
export interface OpProfileEntry { label: string; count: number; msPerRun: number }

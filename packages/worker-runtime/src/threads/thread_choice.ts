/**
 * `threads="auto"` by measurement: which thread counts to try, which one a start-up measurement
 * picks, and while frames run, when to go to one thread (threads stopped paying: another program
 * wants a core, slow or throttled cores) and when to try more again. Pure (no tfjs, page-safe):
 * the worker feeds it times and applies what it says (thread_tuning.ts: one thread runs on the
 * SIMD binary, more on the threaded one, so a change of count restarts the backend).
 *
 * Why measure: the wasm thread pool's threads wait for each other at every op, so when any core is
 * taken the whole frame waits. On 2 cores with one busy process, 2 threads took 76 ms a tracking
 * frame against 5.7 ms on one (docs/performance.md); quiet, 2 threads gained nothing there.
 */

/** The most threads `auto` tries: more buys little for a 192x192 model. */
export const MAX_AUTO_THREADS = 4;

/** Threads must be this much faster than one thread to be chosen (0.8: 20% faster)... */
export const ADOPT_RATIO = 0.8;
/** ...and are dropped once slower than one thread (hysteresis between the two). */
export const DROP_RATIO = 1.0;
/** A probe of more threads ends at its first frame this many times slower than one thread. */
export const PROBE_ABORT_RATIO = 3;

/** The candidates of `auto` for a page reporting `cores`: one thread, and half the cores (2 to 4). */
export function autoThreadCandidates(cores: number): number[] {
  const most = Math.min(MAX_AUTO_THREADS, Math.max(1, Math.floor((cores || 1) / 2)));
  return most > 1 ? [1, most] : [1];
}

/** What `auto` chose and why: `ready.detail.threadChoice`, and each `threadschange` event's detail. */
export interface ThreadChoice {
  /** Threads the models run on now. */
  threads: number;
  /**
   * The wasm binary they run on now: 'threaded-simd' for more than one thread (or while one is
   * measured), 'simd' for one thread (what `threads="off"` runs), 'plain' without SIMD.
   */
  binary: 'threaded-simd' | 'simd' | 'plain';
  /** The thread counts compared (auto), or the one set (a number, 'off', or no threads possible). */
  candidates: number[];
  /** Median ms of a mesh model run by thread count, as last measured (start-up, then live frames). */
  measuredMs: Record<number, number>;
  /** Why, in words. */
  reason: string;
}

export const median = (xs: readonly number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const ms = (x: number) => `${x.toFixed(1)} ms`;

/**
 * The start-up pick from each candidate's run times: the most threads only when their median is at
 * most ADOPT_RATIO of one thread's, else one thread.
 */
export function pickThreads(timesByThreads: Record<number, readonly number[]>): Omit<ThreadChoice, 'binary'> {
  const candidates = Object.keys(timesByThreads).map(Number).sort((a, b) => a - b);
  const measuredMs: Record<number, number> = {};
  for (const n of candidates) measuredMs[n] = median(timesByThreads[n]!);
  const most = candidates[candidates.length - 1]!;
  const one = measuredMs[1];
  if (most === 1 || one === undefined || !Number.isFinite(one)) {
    return { threads: 1, candidates, measuredMs, reason: 'One thread: the only candidate.' };
  }
  const many = measuredMs[most]!;
  if (many <= one * ADOPT_RATIO) {
    return { threads: most, candidates, measuredMs, reason: `${most} threads: measured at start-up, ${ms(many)} a mesh run against ${ms(one)} on one thread.` };
  }
  return { threads: 1, candidates, measuredMs, reason: `One thread: measured at start-up, ${most} threads took ${ms(many)} a mesh run against ${ms(one)} on one thread (threads are kept only when at least ${Math.round((1 - ADOPT_RATIO) * 100)}% faster).` };
}

/** A change the governor asks for. */
export interface ThreadSwitch {
  to: number;
  reason: string;
  /** Probing: trying more threads for a window of frames (not yet a choice). */
  probe: boolean;
}

export interface GovernorSettings {
  /** Frames per measurement window. */
  window: number;
  /** First wait (ms) on one thread before trying more again; doubled after each probe that lost. */
  probeAfterMs: number;
  /** The longest wait between probes. */
  maxProbeAfterMs: number;
}

/**
 * Each probe restarts the backend on the threaded binary, and one that loses restarts it again on
 * the SIMD one (each restart held the frames for 0.04-0.5 s here, docs/performance.md): the
 * first probe comes after 20 s on one thread, then 40, 80 and 160 s.
 */
export const GOVERNOR_DEFAULTS: GovernorSettings = { window: 9, probeAfterMs: 20_000, maxProbeAfterMs: 160_000 };

/**
 * While frames run: tracks the mesh time of each frame at the current thread count. With more than
 * one thread, a window whose median is slower than one thread's last median (times DROP_RATIO)
 * goes to one thread. On one thread, after a wait it probes the most threads for one window, keeps
 * them when at most ADOPT_RATIO of one thread's median, else goes back and waits twice as long.
 * A switch that could not be made (`failed`) ends the probes.
 */
export class ThreadGovernor {
  private readonly settings: GovernorSettings;
  private current: number;
  private samples: number[] = [];
  private readonly lastMs: Record<number, number>;
  private probing = false;
  private waitMs: number;
  private oneSince = NaN;
  /** Why the governor stopped probing, once it did. */
  stoppedProbing = '';

  constructor(
    private readonly most: number,
    start: Pick<ThreadChoice, 'threads' | 'measuredMs'>,
    settings: Partial<GovernorSettings> = {},
  ) {
    this.settings = { ...GOVERNOR_DEFAULTS, ...settings };
    this.current = start.threads;
    this.lastMs = { ...start.measuredMs };
    this.waitMs = this.settings.probeAfterMs;
  }

  get threads(): number {
    return this.current;
  }

  /** The latest median per thread count. */
  get measuredMs(): Record<number, number> {
    return { ...this.lastMs };
  }

  /** One frame's mesh time at the current count, at `nowMs`; returns a switch to make, or null. */
  sample(meshMs: number, nowMs: number): ThreadSwitch | null {
    if (this.most <= 1) return null;
    if (this.current === 1 && Number.isNaN(this.oneSince)) this.oneSince = nowMs;
    this.samples.push(meshMs);
    // A probe frame over PROBE_ABORT_RATIO times one thread's time ends the probe at once: no need
    // for a window of such frames to know (2 threads under load: 40-80 ms against 5).
    const abort = this.probing && meshMs > (this.lastMs[1] ?? Infinity) * PROBE_ABORT_RATIO;
    if (abort || this.samples.length >= this.settings.window) {
      const m = median(this.samples);
      this.samples = [];
      this.lastMs[this.current] = m;
      const one = this.lastMs[1];
      if (this.current > 1 && one !== undefined) {
        const keep = this.probing ? m <= one * ADOPT_RATIO : m <= one * DROP_RATIO;
        if (!keep) {
          const wasProbe = this.probing;
          this.probing = false;
          if (wasProbe) this.waitMs = Math.min(this.settings.maxProbeAfterMs, this.waitMs * 2);
          return this.switchTo(1, nowMs, wasProbe
            ? `One thread: ${this.current} threads were tried again and took ${ms(m)} a mesh run against ${ms(one)} on one thread; next try in ${Math.round(this.waitMs / 1000)} s.`
            : `One thread: ${this.current} threads stopped paying (${ms(m)} a mesh run against ${ms(one)} on one thread: another program may be using a core, or the cores slowed down).`);
        }
        if (this.probing) {
          this.probing = false;
          this.waitMs = this.settings.probeAfterMs;
          return { to: this.current, probe: false, reason: `${this.current} threads: tried again, ${ms(m)} a mesh run against ${ms(one)} on one thread.` };
        }
      }
    }
    if (this.current === 1 && nowMs - this.oneSince >= this.waitMs && !this.stoppedProbing) {
      this.probing = true;
      this.samples = [];
      return this.switchTo(this.most, nowMs, `Trying ${this.most} threads again (${ms(this.lastMs[1] ?? NaN)} a mesh run on one thread).`, true);
    }
    return null;
  }

  /**
   * The switch it asked for could not be made (`why`): back on `threads` (what still runs), and no
   * more probes (a thread pool that did not start once is not tried again).
   */
  failed(threads: number, why: string, nowMs: number): void {
    this.probing = false;
    this.current = threads;
    this.samples = [];
    this.oneSince = threads === 1 ? nowMs : NaN;
    this.stoppedProbing = why;
  }

  private switchTo(to: number, nowMs: number, reason: string, probe = false): ThreadSwitch {
    this.current = to;
    this.samples = [];
    this.oneSince = to === 1 ? nowMs : NaN;
    return { to, reason, probe };
  }
}

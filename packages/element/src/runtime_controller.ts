/**
 * The element's worker, as a Lit reactive controller: started when the element is connected
 * (`preload`) or on first use (runtime and models loaded once, with `progress` and `ready` events),
 * kept in step with the element's properties after every update, given the overlay canvas, and
 * supervised: the first crash restarts it, a second stops (until the page calls start() again). The element decides when to shut it down (a removal
 * that is not a move).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PipelineOptions, RuntimeMode } from '@face-mesh/worker-runtime';
import { mayStartThreads, type OverlayMode } from '@face-mesh/worker-runtime/defaults';
import { StartupStalledError, StartupWatch, type StartupDeadlines, type StartupStage } from '@face-mesh/worker-runtime/startup';
import type { ThreadChoice } from '@face-mesh/worker-runtime';
import { errorEvent, FaceMeshError, LoadProgressEvent, ReadyEvent, ThreadsChangeEvent, type FaceMeshErrorCode, type ProgressDetail, type ReadyDetail } from './events.js';
import { maxFpsOf, overlayModeOf, pipelineOptionsOf, threadsOptionOf, type PipelineProperties } from './element_options.js';
import { toFaceMeshError } from './frame_input.js';
import { runtimeSettings, startRuntime, type RuntimeClient } from './runtime_client.js';

/** What the controller reads from the element. */
export interface RuntimeHost extends ReactiveControllerHost, HTMLElement, PipelineProperties {
  assetBase: string;
  assetIntegrity: 'on' | 'off';
  assetCache: 'on' | 'off';
  preload: string;
  threads: string;
  maxFps: number;
  refine: boolean;
  textureSrc: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The element's properties that take a new worker (the wasm mode and the asset URLs are fixed per worker). */
export const WORKER_PROPERTIES = ['threads', 'assetBase', 'assetIntegrity', 'assetCache'] as const;

/**
 * Whether to load the runtime before start(): `preload="auto"` (anything but 'none'), unless the
 * browser asks pages to save data (the Save-Data setting: `navigator.connection.saveData`).
 */
export function preloadWanted(preload: string): boolean {
  if (preload === 'none') return false;
  const connection = (globalThis.navigator as { connection?: { saveData?: boolean } } | undefined)?.connection;
  return connection?.saveData !== true;
}

type ThreadsOption = ReturnType<typeof threadsOptionOf>;

/** What one worker's start-up gives: the runtime mode, with the models loaded. */
interface StartedWorker {
  client: RuntimeClient;
  mode: RuntimeMode;
}

/** The start-up deadlines in force (runtimeSettings; downloads share the fetch stall timeout). */
const startupDeadlines = (): StartupDeadlines => ({
  floorMs: runtimeSettings.startupFloorMs,
  compileMsPerMB: runtimeSettings.startupCompileMsPerMB,
  stallMs: runtimeSettings.fetchStallMs,
});

/** What to check when a stage stalled twice. */
const STALL_HINT: Record<StartupStage, string> = {
  'worker-script': 'Check that the worker script (face-mesh.worker.js) is served as JavaScript (from another origin: with CORS).',
  'wasm-fetch': 'Check the network, and that asset-base serves wasm/.',
  'wasm-compile': 'The device may be very busy or short of memory; try again later, or threads="off".',
  'wasm-start': 'Try threads="off"; the device may be very busy or short of memory.',
  'model-fetch': 'Check the network, and that asset-base serves models/.',
  'model-compile': 'The device may be very busy or short of memory; try again later.',
  'thread-measure': 'Try threads="off" (or a number); the device may be very busy.',
  'thread-switch': 'Try threads="off" (or a number); the device may be very busy, or short of memory.',
};

/** Whether this browser can hand a canvas to a worker (the overlay is drawn there). */
const canDrawOverlayInWorker = () => typeof HTMLCanvasElement !== 'undefined' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;

/** What the worker was last given, to send only what changed. */
interface Sent {
  refine: boolean;
  options: Partial<PipelineOptions>;
  overlay: OverlayMode;
  textureSrc: string;
  maxFps: number;
}

const sameOptions = (a: Partial<PipelineOptions>, b: Partial<PipelineOptions>) =>
  Object.keys(a).length === Object.keys(b).length && (Object.keys(a) as (keyof PipelineOptions)[]).every((k) => Object.is(a[k], b[k]));

export class RuntimeController implements ReactiveController {
  private current: RuntimeClient | null = null;
  private ready: Promise<ReadyDetail> | null = null;
  private overlayCanvas: HTMLCanvasElement | null = null;
  private overlayOn = true;
  private sent: Sent | null = null;
  /** Crashes since the page last called start(). */
  private crashes = 0;
  private restarting = false;
  /** The wasm threads the models run on now (`ready`, then `threadschange`). */
  private currentThreads = 1;

  /**
   * `crashed`: the worker died or hangs. `action` is 'restart' for the first crash since the page
   * last started the element, then 'stop'; `event` is the `worker-crashed` event to dispatch.
   */
  constructor(
    private readonly host: RuntimeHost,
    private readonly crashed: (action: 'restart' | 'stop', event: Event) => void,
  ) {
    host.addController(this);
  }

  /** The running worker, if any. */
  get client(): RuntimeClient | null {
    return this.current;
  }

  /** The wasm threads the models run on now. */
  get threads(): number {
    return this.currentThreads;
  }

  /** `threads="auto"` changed the count while frames ran: a `threadschange` event. */
  threadsChanged(choice: ThreadChoice): void {
    this.currentThreads = choice.threads;
    this.host.dispatchEvent(new ThreadsChangeEvent(choice));
  }

  /** The page started the element (not a restart after a crash): forget earlier crashes. */
  started(): void {
    if (!this.restarting) this.crashes = 0;
  }

  /** Run the restart after a crash; start() calls made synchronously inside do not reset the count. */
  restart(fn: () => void): void {
    this.restarting = true;
    try {
      fn();
    } finally {
      this.restarting = false;
    }
  }

  /**
   * Load the runtime and the models now, before start(), when the element wants it (`preload`,
   * preloadWanted), once the update under way is done (so attributes set with the insertion count).
   * A preload that fails is dropped without an event: start() or detect() loads again, and reports.
   */
  preloadSoon(): void {
    const host = this.host;
    if (this.ready || !preloadWanted(host.preload)) return;
    void host.updateComplete.then(() => {
      if (!host.isConnected || this.ready || !preloadWanted(host.preload)) return;
      this.ensure().catch(() => {});
    });
  }

  /** Start the worker and load the models once; resolves with the runtime mode. */
  ensure(): Promise<ReadyDetail> {
    if (this.ready) return this.ready;
    const host = this.host;
    if (!host.isConnected) {
      // Only a connected element may own a worker: disconnecting is what terminates it.
      return Promise.reject(new FaceMeshError('not-connected', 'The element is not in the document: add it, then call start().'));
    }
    // Never let a worker go unowned (each element owns at most one).
    this.current?.close();
    const sent: Sent = { refine: host.refine, options: pipelineOptionsOf(host), overlay: overlayModeOf(host.overlay), textureSrc: host.textureSrc, maxFps: maxFpsOf(host.maxFps).fps };
    this.sent = sent;
    const ready = this.load(sent);
    this.ready = ready;
    ready.catch(() => {
      if (this.ready === ready) this.drop();
    });
    return ready;
  }

  /**
   * A worker started and its models loaded, with `progress` and `ready` events. A start-up stage past
   * its deadline is tried once more in a fresh worker (a threaded wasm start-up on one thread), then
   * rejected as `startup-stalled`, naming the stage.
   */
  private async load(sent: Sent): Promise<ReadyDetail> {
    const t0 = performance.now();
    let shown = -1;
    const progress = (stage: ProgressDetail['stage'], value: number) => {
      // (never backwards: a replaced worker downloads the binary again; nothing from a dropped start)
      if (this.sent !== sent || value < shown) return;
      shown = value;
      this.host.dispatchEvent(new LoadProgressEvent({ stage, progress: value }));
    };
    let threads = threadsOptionOf(this.host.threads);
    let started: StartedWorker;
    let retryNote = '';
    try {
      started = await this.startUp(threads, sent, progress);
    } catch (e) {
      if (!(e instanceof StartupStalledError)) throw e;
      // (the thread pool is made of nested workers: a stalled threaded start is retried on one thread)
      const single = (e.stage === 'wasm-start' || e.stage === 'thread-measure' || e.stage === 'thread-switch') && mayStartThreads({ threads });
      if (single) threads = 'off';
      retryNote = single
        ? `The threaded wasm start-up stalled (${e.message}), so face-mesh runs the SIMD binary on one thread; threads="off" skips the attempt.`
        : `A first worker stalled (${e.message}); a second one started.`;
      started = await this.startUp(threads, sent, progress).catch((again: unknown) => {
        if (!(again instanceof StartupStalledError)) throw again;
        throw new FaceMeshError('startup-stalled', `${again.message} It stalled twice, in two fresh workers (the first time at stage ${e.stage}). ${STALL_HINT[again.stage]}`, again.stage);
      });
    }
    const note = [started.mode.note, retryNote].filter(Boolean).join(' ');
    await this.attachOverlay(started.client);
    const detail: ReadyDetail = { ...started.mode, loadMs: performance.now() - t0, overlay: this.overlayOn ? 'on' : 'off' };
    this.currentThreads = detail.threads;
    if (note) detail.note = note;
    if (!this.overlayOn) {
      const why = 'The overlay is off: this browser cannot hand a canvas to a worker (no HTMLCanvasElement.transferControlToOffscreen).';
      detail.note = detail.note ? `${detail.note} ${why}` : why;
    }
    this.host.dispatchEvent(new LoadProgressEvent({ stage: 'ready', progress: 1 }));
    this.host.dispatchEvent(new ReadyEvent(detail));
    return detail;
  }

  /** A fresh worker, from its script to its models, each stage under its deadline (startup.ts). */
  private async startUp(threads: ThreadsOption, sent: Sent, progress: (stage: ProgressDetail['stage'], value: number) => void): Promise<StartedWorker> {
    const client = this.startWorker();
    const watch = new StartupWatch(startupDeadlines());
    // Bytes arriving renew a download's deadline. Progress: 0 .. 0.3 as the wasm binary's bytes
    // arrive, 0.3 .. 0.95 as the models' do.
    const wasmBytes = (f: number) => {
      watch.progress();
      if (f > 0) progress('wasm', 0.3 * f);
    };
    const modelBytes = (f: number) => {
      watch.progress();
      progress('models', 0.3 + 0.65 * f);
    };
    try {
      watch.enter({ stage: 'worker-script' });
      await watch.watch(client.ping());
      progress('wasm', 0);
      // `auto` decides from the page's core count (a worker's may differ: DevTools' override reaches pages only).
      const mode = await watch.watch(client.init({ threads, cores: navigator.hardwareConcurrency }, wasmBytes, watch.enter)).catch((e: unknown) => {
        throw e instanceof StartupStalledError ? e : toFaceMeshError(e, 'wasm-unsupported');
      });
      progress('models', 0.3);
      await watch.watch(client.createPipeline(client.pipelineUrls(sent.refine), sent.options, modelBytes, watch.enter)).catch((e: unknown) => {
        throw e instanceof StartupStalledError ? e : toFaceMeshError(e, 'model-load-failed');
      });
      // (threads="auto": a measurement of the loaded mesh model, well under a second; the pool it
      // grows is made of nested workers, so it is watched like the other stages; one thread then
      // restarts the backend on the SIMD binary, the 'thread-switch' stage)
      watch.enter({ stage: 'thread-measure' });
      const threadChoice = await watch.watch(client.measureThreads(watch.enter)).catch((e: unknown) => {
        throw e instanceof StartupStalledError ? e : toFaceMeshError(e, 'internal');
      });
      await client.setMaxFps(sent.maxFps);
      return { client, mode: { ...mode, binary: threadChoice.binary, threads: threadChoice.threads, threadChoice } };
    } catch (e) {
      // A stalled worker is dropped at once (its pending calls reject with 'aborted', unobserved).
      if (e instanceof StartupStalledError) client.close();
      throw e;
    } finally {
      watch.stop();
    }
  }

  /** A new worker, owned by the element (the class's `assetBase` when the element has none, its `workerUrl`). */
  private startWorker(): RuntimeClient {
    const host = this.host;
    const defaults = host.constructor as { assetBase?: string; workerUrl?: string };
    const assetBase = host.assetBase || (defaults.assetBase ?? '');
    const started = startRuntime(assetBase, {
      integrity: host.assetIntegrity !== 'off',
      cache: host.assetCache !== 'off',
      workerUrl: defaults.workerUrl ?? '',
    });
    this.current = started;
    started.onCrash = (message) => this.onCrash(started, message);
    return started;
  }

  /** Terminate the worker (tensors, wasm threads and all) and remove its overlay canvas. */
  drop(): void {
    this.current?.close();
    this.current = null;
    this.ready = null;
    this.sent = null;
    this.overlayCanvas?.remove();
    this.overlayCanvas = null;
  }

  /**
   * After every update: send the running worker what changed since it was last given (once its
   * models are loaded; a worker replaced or stopped meanwhile gets the values when the next starts).
   */
  hostUpdated(): void {
    const client = this.current;
    const sent = this.sent;
    if (!client || !this.ready || !sent) return;
    const host = this.host;
    const loaded = this.ready.then(() => !client.dead, () => false);
    const whenLoaded = (send: () => Promise<unknown>, code: FaceMeshErrorCode | null) => {
      void loaded.then((ok) => (ok ? send() : null)).catch((e: unknown) => {
        if (code && !client.dead) host.dispatchEvent(errorEvent(code, e));
      });
    };
    const options = pipelineOptionsOf(host);
    if (host.refine !== sent.refine) {
      // Another mesh model: load a new pipeline in the same worker (tracked faces start over).
      const urls = client.pipelineUrls(host.refine);
      Object.assign(sent, { refine: host.refine, options });
      whenLoaded(() => client.createPipeline(urls, options), 'model-load-failed');
    } else if (!sameOptions(options, sent.options)) {
      sent.options = options;
      whenLoaded(() => client.setPipelineOptions(options), 'internal');
    }
    const mode = overlayModeOf(host.overlay);
    if (mode !== sent.overlay) {
      sent.overlay = mode;
      whenLoaded(() => client.setOverlayMode(mode), null);
    }
    const maxFps = maxFpsOf(host.maxFps).fps;
    if (maxFps !== sent.maxFps) {
      sent.maxFps = maxFps;
      whenLoaded(() => client.setMaxFps(maxFps), null);
    }
    if (host.textureSrc !== sent.textureSrc) {
      sent.textureSrc = host.textureSrc;
      whenLoaded(() => this.sendTexture(client), null);
    }
  }

  private async attachOverlay(client: RuntimeClient): Promise<void> {
    await this.host.updateComplete;
    if (client.dead) throw new FaceMeshError('aborted', 'The face-mesh worker stopped while it was starting.');
    this.overlayCanvas?.remove();
    this.overlayOn = canDrawOverlayInWorker();
    if (!this.overlayOn) {
      // No way to hand a canvas to the worker: no overlay (ready's detail says so).
      this.overlayCanvas = null;
      return;
    }
    // A canvas can be transferred once: every worker gets a fresh one.
    const canvas = document.createElement('canvas');
    canvas.setAttribute('part', 'overlay');
    canvas.setAttribute('aria-hidden', 'true');
    this.host.renderRoot.querySelector('.stage')?.append(canvas);
    this.overlayCanvas = canvas;
    const mode = overlayModeOf(this.host.overlay);
    const textureSrc = this.host.textureSrc;
    if (this.sent) Object.assign(this.sent, { overlay: mode, textureSrc });
    await client.setOverlay(canvas.transferControlToOffscreen(), mode);
    // (awaited: a still image is drawn once, right after start)
    if (textureSrc) await this.sendTexture(client);
  }

  /** The `texture-src` image to the worker; one that cannot be loaded is an error event, not a failed start. */
  private async sendTexture(client: RuntimeClient): Promise<void> {
    const src = this.host.textureSrc;
    const url = src ? new URL(src, document.baseURI).href : null;
    await client.setOverlayTexture(url).catch((e: unknown) => {
      if (!client.dead) this.host.dispatchEvent(errorEvent('source-failed', `The texture-src image could not be used: ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  /** The worker died or hangs: the element restarts it (first crash) or stops. */
  private onCrash(client: RuntimeClient, message: string): void {
    if (this.current !== client) return;
    this.crashes++;
    const action = this.crashes === 1 ? 'restart' : 'stop';
    this.crashed(action, errorEvent('worker-crashed', action === 'restart'
      ? `${message} It was restarted.`
      : `${message} It crashed again, so face-mesh stopped; call start() to try again.`));
  }
}

/**
 * The element's worker, as a Lit reactive controller: started on first use (runtime and models
 * loaded once, with `progress` and `ready` events), kept in step with the element's properties after
 * every update, given the overlay canvas, and supervised: the first crash restarts it, a second
 * stops (until the page calls start() again). The element decides when to shut it down (a removal
 * that is not a move).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PipelineOptions, RuntimeMode } from '@face-mesh/worker-runtime';
import { chooseThreadCount, type OverlayMode } from '@face-mesh/worker-runtime/defaults';
import { errorEvent, FaceMeshError, LoadProgressEvent, ReadyEvent, type FaceMeshErrorCode, type ReadyDetail } from './events.js';
import { overlayModeOf, pipelineOptionsOf, threadsOptionOf, type PipelineProperties } from './element_options.js';
import { toFaceMeshError } from './frame_input.js';
import { runtimeSettings, startRuntime, type RuntimeClient } from './runtime_client.js';

/** What the controller reads from the element. */
export interface RuntimeHost extends ReactiveControllerHost, HTMLElement, PipelineProperties {
  assetBase: string;
  assetIntegrity: 'on' | 'off';
  threads: string;
  refine: boolean;
  textureSrc: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The element's properties that take a new worker (the wasm mode and the asset URLs are fixed per worker). */
export const WORKER_PROPERTIES = ['threads', 'assetBase', 'assetIntegrity'] as const;

/**
 * `client.init`, watched when it may start wasm threads: once the binary has arrived, a start-up
 * that has not finished within `runtimeSettings.threadedStartMs` resolves 'stalled' (Firefox's
 * threaded start-up was seen never to finish, with no error). The wasm module cannot be restarted in
 * the same worker: the caller replaces it.
 */
async function initThreadsWatched(client: RuntimeClient, threads: 'auto' | 'off' | number, onProgress: (fraction: number) => void): Promise<RuntimeMode | 'stalled'> {
  const mayUseThreads = globalThis.crossOriginIsolated === true && chooseThreadCount(navigator.hardwareConcurrency, threads) > 1;
  let timer = 0;
  let stalled: (value: 'stalled') => void = () => {};
  const stall = new Promise<'stalled'>((resolve) => {
    stalled = resolve;
  });
  const progress = (fraction: number) => {
    onProgress(fraction);
    if (fraction >= 1 && mayUseThreads && !timer) timer = setTimeout(() => stalled('stalled'), runtimeSettings.threadedStartMs) as unknown as number;
  };
  try {
    return await Promise.race([client.init({ threads }, progress), stall]);
  } catch (e) {
    throw toFaceMeshError(e, 'wasm-unsupported');
  } finally {
    clearTimeout(timer);
  }
}

/** Whether this browser can hand a canvas to a worker (the overlay is drawn there). */
const canDrawOverlayInWorker = () => typeof HTMLCanvasElement !== 'undefined' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;

/** What the worker was last given, to send only what changed. */
interface Sent {
  refine: boolean;
  options: Partial<PipelineOptions>;
  overlay: OverlayMode;
  textureSrc: string;
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
    const t0 = performance.now();
    // (an element without `asset-base` takes the class's: FaceMeshElement.assetBase)
    const assetBase = host.assetBase || ((host.constructor as { assetBase?: string }).assetBase ?? '');
    const startWorker = () => {
      const started = startRuntime(assetBase, { integrity: host.assetIntegrity !== 'off' });
      this.current = started;
      started.onCrash = (message) => this.onCrash(started, message);
      return started;
    };
    let client = startWorker();
    const sent: Sent = { refine: host.refine, options: pipelineOptionsOf(host), overlay: overlayModeOf(host.overlay), textureSrc: host.textureSrc };
    this.sent = sent;
    let shown = -1;
    const progress = (stage: 'wasm' | 'models' | 'ready', value: number) => {
      // (never backwards: a replaced worker downloads the binary again)
      if (this.current !== client || value < shown) return;
      shown = value;
      host.dispatchEvent(new LoadProgressEvent({ stage, progress: value }));
    };
    const ready = (async (): Promise<ReadyDetail> => {
      progress('wasm', 0);
      // 0 .. 0.3 as the wasm binary's bytes arrive, 0.3 .. 0.95 as the models' do.
      const wasmProgress = (f: number) => f > 0 && progress('wasm', 0.3 * f);
      let mode = await initThreadsWatched(client, threadsOptionOf(host.threads), wasmProgress);
      if (mode === 'stalled') {
        // (the stalled worker's pending init rejects with 'aborted' into the race, unobserved)
        client.close();
        client = startWorker();
        const single = await client.init({ threads: 'off' }, wasmProgress).catch((e: unknown) => {
          throw toFaceMeshError(e, 'wasm-unsupported');
        });
        mode = { ...single, note: `The threaded wasm start-up did not finish within ${(runtimeSettings.threadedStartMs / 1000).toFixed(0)} s of the binary arriving (a known problem of wasm threads in Firefox), so face-mesh runs the SIMD binary on one thread; threads="off" skips the attempt.` };
      }
      progress('models', 0.3);
      await client.createPipeline(client.pipelineUrls(sent.refine), sent.options, (f) => progress('models', 0.3 + 0.65 * f)).catch((e: unknown) => {
        throw toFaceMeshError(e, 'model-load-failed');
      });
      await this.attachOverlay(client);
      const detail: ReadyDetail = { ...mode, loadMs: performance.now() - t0, overlay: this.overlayOn ? 'on' : 'off' };
      if (!this.overlayOn) {
        const why = 'The overlay is off: this browser cannot hand a canvas to a worker (no HTMLCanvasElement.transferControlToOffscreen).';
        detail.note = detail.note ? `${detail.note} ${why}` : why;
      }
      host.dispatchEvent(new LoadProgressEvent({ stage: 'ready', progress: 1 }));
      host.dispatchEvent(new ReadyEvent(detail));
      return detail;
    })();
    this.ready = ready;
    ready.catch(() => {
      if (this.current === client) this.drop();
    });
    return ready;
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

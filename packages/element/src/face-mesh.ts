/** The `<face-mesh>` element class (no side effects: `define.ts` registers the tag). */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import * as Comlink from 'comlink';
import type { FrameInput, FrameResult, OverlayMode, PipelineModelUrls, PipelineOptions, StreamFrameResult, StreamListener } from '@face-mesh/worker-runtime';
import { openCamera, stopStream, type FacingMode } from './camera.js';
import {
  FaceFoundEvent,
  FaceLostEvent,
  FaceMeshError,
  FaceMeshErrorEvent,
  LandmarksEvent,
  LoadProgressEvent,
  ReadyEvent,
  ResumeEvent,
  SuspendEvent,
  type ErrorDetail,
  type FaceMeshErrorCode,
  type LandmarksDetail,
  type ReadyDetail,
} from './events.js';
import { canTransferTrackFrames, streamTrack, streamVideoElement, type FrameSource } from './frame-source.js';
import { corsAdvice, isPixelReadError, videoPixelsReadable } from './cross-origin.js';
import { kindFromUrl, sourceKind, type MediaKind, type SrcType } from './source-type.js';
import { frameTransferList, toFaceMeshError, type DetectInput } from './frame-input.js';
import { CrashSupervisor, startRuntime, type RuntimeClient } from './runtime-client.js';
import { RepeatedErrors } from './error-repeats.js';
import { styles } from './styles.js';

type SourceKind = 'camera' | MediaKind;

/** Whether this browser can hand a canvas to a worker (the overlay is drawn there). */
const canDrawOverlayInWorker = () => typeof HTMLCanvasElement !== 'undefined' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;

/**
 * `detection-interval` default: with one face tracked and `max-faces="2"`, a 30 fps camera runs the
 * detector on one frame in seven, ~1.13x the work of `max-faces="1"` (100 ms: 1.39x; README,
 * Performance), and a second face is found within 200 ms + a frame.
 */
export const DEFAULT_DETECTION_INTERVAL_MS = 200;

/**
 * `<face-mesh>`: finds faces in the camera, an image or a video (`src`), or frames the page passes
 * to `detect()`, and fires `landmarks` events with 478 refined 3D points per face. All the work runs
 * in a Web Worker (tfjs-core + wasm); this class only moves frames and events. No side effects on
 * import: `define.js` registers the tag.
 *
 * @tagname face-mesh
 * @summary Face landmarks (MediaPipe Attention Mesh, 478 points) as DOM events.
 *
 * @fires {LandmarksEvent} landmarks - Every processed frame; `detail.faces[i].landmarks` is a Float32Array of 478 x (x, y, z) pixels.
 * @fires {ReadyEvent} ready - The runtime and models are loaded; `detail` has the wasm mode (simd, threads) and load time.
 * @fires {FaceFoundEvent} facefound - A new face (a new `detail.id`) was found.
 * @fires {FaceLostEvent} facelost - A tracked face (`detail.id`) was lost.
 * @fires {FaceMeshErrorEvent} error - `detail.code` (e.g. camera-denied, model-load-failed) and an actionable `detail.message`. Does not bubble.
 * @fires {LoadProgressEvent} progress - Start-up progress (`detail.stage`, `detail.progress` 0..1).
 * @fires {SuspendEvent} suspend - Processing stopped because the page was hidden (`detail.reason` 'hidden'); the camera stays open.
 * @fires {ResumeEvent} resume - Processing started again: the page is visible again.
 *
 * @slot start - Replaces the default start button shown before the camera is started.
 * @csspart video - The camera or `src` video.
 * @csspart image - The `src` image.
 * @csspart overlay - The canvas the worker draws the overlay on.
 * @csspart start-button - The default start button.
 * @cssprop --face-mesh-aspect-ratio - Aspect ratio of the element box (default 4 / 3).
 */
export class FaceMeshElement extends LitElement {
  static override styles = styles;

  static override properties = {
    maxFaces: { type: Number, attribute: 'max-faces', reflect: true },
    detectionInterval: { type: Number, attribute: 'detection-interval' },
    minDetectionConfidence: { type: Number, attribute: 'min-detection-confidence', reflect: true },
    minTrackingConfidence: { type: Number, attribute: 'min-tracking-confidence', reflect: true },
    mirror: { type: Boolean, reflect: true },
    overlay: { type: String, reflect: true },
    paused: { type: Boolean, reflect: true },
    threads: { type: String, reflect: true },
    assetBase: { type: String, attribute: 'asset-base', reflect: true },
    assetIntegrity: { type: String, attribute: 'asset-integrity', reflect: true },
    facingMode: { type: String, attribute: 'facing-mode', reflect: true },
    src: { type: String, reflect: true },
    srcType: { type: String, attribute: 'src-type', reflect: true },
    crossOrigin: { type: String, attribute: 'crossorigin', reflect: true },
    sourceKind: { state: true },
    autostart: { type: Boolean, reflect: true },
    running: { type: Boolean, reflect: true },
    smoothing: { type: String, reflect: true },
    smoothingMinCutoff: { type: Number, attribute: 'smoothing-min-cutoff' },
    smoothingBeta: { type: Number, attribute: 'smoothing-beta' },
    smoothingDerivateCutoff: { type: Number, attribute: 'smoothing-derivate-cutoff' },
    transform: { type: Boolean, reflect: true },
    eyes: { type: Boolean, reflect: true },
    fov: { type: Number, reflect: true },
    textureSrc: { type: String, attribute: 'texture-src', reflect: true },
    refine: {
      reflect: true,
      // `refine="false"` turns it off; the attribute absent (or any other value) means on.
      converter: { fromAttribute: (v: string | null) => v !== 'false', toAttribute: (v: boolean) => (v ? null : 'false') },
    },
  };

  /**
   * 'default': One-Euro smoothing of tracked faces (MediaPipe's parameters: min cutoff 0.05, beta 80,
   * derivative cutoff 1; see the smoothing* properties); 'off': the raw landmarks. Still images are
   * never smoothed. Default 'default'.
   */
  declare smoothing: 'default' | 'off';
  /** One-Euro minimum cutoff (Hz): lower is smoother when still. Default 0.05. */
  declare smoothingMinCutoff: number;
  /** One-Euro speed coefficient: higher is less lag when moving. Default 80. */
  declare smoothingBeta: number;
  /** One-Euro cutoff (Hz) of the speed estimate. Default 1. */
  declare smoothingDerivateCutoff: number;
  /** Add each face's pose (`faces[i].transform`: 4x4 matrix and metric landmarks) to `landmarks` events. Default false. */
  declare transform: boolean;
  /**
   * Add each face's eyes (`faces[i].eyes.left/right`: `distanceMm` from the camera by the iris size,
   * `gaze` direction in camera space) to `landmarks` events. Needs the 478-point model. Default false.
   */
  declare eyes: boolean;
  /**
   * The camera's vertical field of view, degrees: the camera model of `transform`, `eyes` and the axes
   * overlay. Default 63 (MediaPipe's); set your camera's for true distances.
   */
  declare fov: number;
  /**
   * The image `overlay="texture"` maps onto each face, laid out like the canonical face's texture
   * coordinates (`canonicalTextureCoordinates` of the geometry package). Default '' (nothing drawn).
   */
  declare textureSrc: string;
  /**
   * The attention model with 478 refined points (default), or with `refine="false"` the plain
   * 468-point model (no lips/eyes/irises refinement, lighter), like MediaPipe's refineLandmarks.
   */
  declare refine: boolean;

  /** Most faces to find and track. Default 1. */
  declare maxFaces: number;
  /**
   * Milliseconds between detector runs while at least one face but fewer than `max-faces` are
   * tracked: a new face is found within this time plus one frame. 0 runs the detector on every such
   * frame (MediaPipe's behaviour, about twice the work with `max-faces="2"` and one face in view).
   * With no face tracked the detector runs on every frame whatever this says. Negative or not a
   * number: the default, 200.
   */
  declare detectionInterval: number;
  /** Detector score (0..1) a face needs to be found. Default 0.5. */
  declare minDetectionConfidence: number;
  /** Face score (0..1) under which a tracked face is dropped and searched for again. Default 0.5. */
  declare minTrackingConfidence: number;
  /**
   * Selfie view: the video is shown mirrored and landmarks are given in the mirrored picture, with the
   * left/right eye and iris groups swapped so that "left" is the subject's left eye. Default false.
   */
  declare mirror: boolean;
  /** What the worker draws over the picture: none, mesh, contours, irises, points, axes (contours and the head-pose axes), or texture (`texture-src` mapped onto the face). Default 'contours'. */
  declare overlay: OverlayMode;
  /** Stop processing frames (the camera stays on). */
  declare paused: boolean;
  /**
   * 'auto': half the cores (1 to 4) as wasm threads when the page is cross-origin isolated (one
   * thread runs the SIMD binary); a number: that many threads; 'off': one thread. Default 'auto'.
   */
  declare threads: 'auto' | 'off' | `${number}`;
  /**
   * Folder holding `wasm/` and `models/` (self-hosted assets). Default '': the files shipped next to
   * the package's `face-mesh.js`, wherever the app's bundler emitted them.
   */
  declare assetBase: string;
  /**
   * 'on' (default): the worker checks the SHA-256 of every wasm binary and model file against the
   * ones this build ships and refuses any other ('wasm-integrity', 'model-integrity'). 'off': load
   * whatever `asset-base` serves, unchecked (your own model files, on purpose). The files are still
   * parsed with every format check.
   */
  declare assetIntegrity: 'on' | 'off';
  /** Which camera: 'user' (front) or 'environment' (back). Default 'user'. */
  declare facingMode: FacingMode;
  /** An image or video URL to use instead of the camera. */
  declare src: string;
  /**
   * What `src` is: 'image', 'video', or 'auto' (the default): the file extension (or a `data:` URL's
   * type) says, else the first bytes are fetched and sniffed (`blob:` URLs, URLs without an extension).
   */
  declare srcType: SrcType;
  /**
   * CORS mode for a `src` on another origin, as on `<img>`/`<video>`: 'anonymous' or
   * 'use-credentials'; passed to the element's video and image. Without it, a video from another
   * origin plays but its pixels cannot be read: the element reports source-failed naming CORS.
   */
  declare crossOrigin: 'anonymous' | 'use-credentials' | null;
  /** Start (ask for the camera, or load `src`) as soon as the element is connected. */
  declare autostart: boolean;
  /** True while a camera or video is being processed (read-only). */
  declare running: boolean;

  /** Global default for `asset-base` (set once before elements start); '' = the bundled files. */
  static assetBase = '';

  private client: RuntimeClient | null = null;
  private ready: Promise<ReadyDetail> | null = null;
  private mediaStream: MediaStream | null = null;
  /**
   * Removes the listeners put on the current source's objects (the camera track). Chromium keeps a
   * camera's MediaStream reachable after it is stopped (its getUserMedia promise stays referenced),
   * and a listener left on its track would keep this element, removed or not, alive with it.
   */
  private sourceListeners: AbortController | null = null;
  private frameSource: FrameSource | null = null;
  private overlayCanvas: HTMLCanvasElement | null = null;
  /** Ids of the faces in the last frame, for facefound/facelost. */
  private faceIds = new Set<number>();
  private generation = 0;
  private showStart = true;
  /** What the running (or starting) source is, once known (sniffed): decides whether a <video> or an <img> is rendered. */
  declare private sourceKind: SourceKind;
  /** Frames are stopped because the page is hidden (document.hidden); they restart when it is visible. */
  private hiddenSuspended = false;
  /** Bumped on every disconnect: a reconnection in the same task (a move) cancels the pending shutdown. */
  private disconnects = 0;
  private overlayOn = true;
  /** start() was called and stop() was not: a new src or facing-mode restarts the source. */
  private wantsSource = false;
  private startedSrc = '';
  /** Worker crashes: the first restarts the worker, a second stops. */
  private readonly crashes = new CrashSupervisor();
  /** The live source's errors: one event per run of identical ones, then a count. */
  private readonly liveErrors = new RepeatedErrors((detail) => this.dispatchEvent(new FaceMeshErrorEvent(detail)));

  constructor() {
    super();
    this.maxFaces = 1;
    this.detectionInterval = DEFAULT_DETECTION_INTERVAL_MS;
    this.minDetectionConfidence = 0.5;
    this.minTrackingConfidence = 0.5;
    this.mirror = false;
    this.overlay = 'contours';
    this.paused = false;
    this.threads = 'auto';
    this.assetBase = '';
    this.assetIntegrity = 'on';
    this.facingMode = 'user';
    this.src = '';
    this.srcType = 'auto';
    this.sourceKind = 'camera';
    this.crossOrigin = null;
    this.autostart = false;
    this.running = false;
    this.smoothing = 'default';
    this.smoothingMinCutoff = 0.05;
    this.smoothingBeta = 80;
    this.smoothingDerivateCutoff = 1;
    this.transform = false;
    this.eyes = false;
    this.fov = 63;
    this.textureSrc = '';
    this.refine = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    if (this.moving) {
      // Moved (removed and put back before the pending shutdown ran): everything keeps running.
      this.moving = false;
      this.onVisibilityChange();
      return;
    }
    if (this.autostart || this.src) void this.start().catch(() => {});
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    // A move (remove, then insert elsewhere in the same script run, as frameworks do when they
    // reorder) must not stop the camera: shut down only if still disconnected after this microtask.
    this.moving = true;
    const disconnect = ++this.disconnects;
    queueMicrotask(() => {
      if (disconnect !== this.disconnects || this.isConnected) return;
      this.moving = false;
      this.shutdown();
    });
  }

  /** `moveBefore()` (where supported) moves the element without disconnecting it: nothing to do. */
  connectedMoveCallback(): void {}

  /** Removed, not yet shut down: a reconnection now is a move. */
  private moving = false;

  /** While the page is hidden no frame is processed (and a `src` video is paused); visible again, they resume. */
  private readonly onVisibilityChange = (): void => {
    if (document.hidden) {
      if (!this.running || this.hiddenSuspended) return;
      this.hiddenSuspended = true;
      this.stopFrames();
      if (this.sourceKind === 'video') this.renderRoot.querySelector('video')?.pause();
      this.dispatchEvent(new SuspendEvent({ reason: 'hidden' }));
      return;
    }
    if (!this.hiddenSuspended) return;
    this.hiddenSuspended = false;
    if (!this.running) return;
    if (this.sourceKind === 'video') void this.renderRoot.querySelector('video')?.play().catch(() => {});
    if (!this.paused) this.startFrames();
    this.dispatchEvent(new ResumeEvent({ reason: 'hidden' }));
  };

  /**
   * Changes that restart the worker or the source. Made before rendering, so that the state they
   * reset (`running`) belongs to this update instead of scheduling another one.
   */
  protected override willUpdate(changed: PropertyValues<this>): void {
    const restart = (['threads', 'assetBase', 'assetIntegrity'] as const).some((k) => changed.has(k) && changed.get(k) !== undefined);
    if (restart) {
      // The wasm mode and the asset URLs are fixed per worker: start a new one.
      // (wantsSource, not running: a start still under way when the attribute changes counts too)
      const wanted = this.wantsSource;
      this.shutdown();
      if (wanted || this.src) void this.start().catch(() => {});
      return;
    }
    // A new src (even one set before the first render) or camera switches the running source.
    const cameraChanged = changed.has('facingMode') && changed.get('facingMode') !== undefined && !this.src;
    if (this.wantsSource && (this.src !== this.startedSrc || cameraChanged)) void this.start().catch(() => {});
  }

  protected override updated(changed: PropertyValues<this>): void {
    const client = this.client;
    if (!client || !this.ready) return;
    // Before the pipeline exists, its options are passed when it is created.
    const ready = this.ready.catch(() => null);
    const optionKeys = ['maxFaces', 'detectionInterval', 'minDetectionConfidence', 'minTrackingConfidence', 'mirror', 'smoothing', 'smoothingMinCutoff', 'smoothingBeta', 'smoothingDerivateCutoff', 'transform', 'overlay', 'eyes', 'fov'] as const;
    if (changed.has('refine') && changed.get('refine') !== undefined) {
      // Another mesh model: load a new pipeline in the same worker (tracked faces start over).
      const urls = this.modelUrls(client);
      const options = this.pipelineOptions();
      void ready.then((r) => (r && !client.dead ? client.api.createPipeline(urls, options) : null)).catch((e: unknown) => {
        if (!client.dead) this.fail('model-load-failed', e);
      });
    } else if (optionKeys.some((k) => changed.has(k))) {
      const options = this.pipelineOptions();
      // (a worker replaced or stopped meanwhile gets the options when the next one starts)
      void ready.then((r) => (r && !client.dead ? client.api.setPipelineOptions(options) : null)).catch((e: unknown) => {
        if (!client.dead) this.fail('internal', e);
      });
    }
    if (changed.has('overlay')) {
      const mode = this.overlayMode();
      void ready.then((r) => (r && !client.dead ? client.api.setOverlayMode(mode) : null)).catch(() => {});
    }
    if (changed.has('textureSrc') && changed.get('textureSrc') !== undefined) {
      void ready.then((r) => (r && !client.dead ? this.sendTexture(client) : null));
    }
    if (changed.has('paused') && changed.get('paused') !== undefined) {
      if (this.paused) this.stopFrames();
      else if (this.running) this.startFrames();
    }
  }

  override render(): TemplateResult {
    const kind = this.displayKind();
    const crossOrigin = this.crossOrigin === 'use-credentials' ? 'use-credentials' : this.crossOrigin !== null ? 'anonymous' : undefined;
    return html`
      <div class="stage" part="stage">
        ${kind === 'image'
          ? html`<img part="image" class=${this.mirror ? 'mirrored' : ''} src=${this.src} alt="" crossorigin=${ifDefined(crossOrigin)} />`
          : html`<video part="video" class=${this.mirror ? 'mirrored' : ''} crossorigin=${ifDefined(crossOrigin)} playsinline muted></video>`}
      </div>
      ${kind === 'camera' && this.showStart && !this.running
        ? html`<div class="start">
            <slot name="start" @click=${() => void this.start().catch(() => {})}>
              <button part="start-button" type="button">Start camera</button>
            </slot>
          </div>`
        : nothing}
    `;
  }

  /** What to render for `src` before and after start() knows (a sniffed URL shows as a video until then). */
  private displayKind(): SourceKind {
    if (!this.src) return 'camera';
    if (this.srcType === 'image' || this.srcType === 'video') return this.srcType;
    let fromUrl: MediaKind | null = null;
    try {
      fromUrl = kindFromUrl(new URL(this.src, document.baseURI));
    } catch {
      // not a URL: start() reports it
    }
    return fromUrl ?? (this.sourceKind === 'camera' ? 'video' : this.sourceKind);
  }

  /** Ask for the camera (or load `src`) and start firing `landmarks` events. */
  async start(): Promise<void> {
    if (!this.isConnected) {
      // A camera or worker started for an element outside the document would never be stopped.
      throw new FaceMeshError('not-connected', 'The element is not in the document: add it, then call start().');
    }
    this.crashes.started();
    this.wantsSource = true;
    const generation = ++this.generation;
    this.stopSource();
    this.startedSrc = this.src;
    let srcUrl: URL | null = null;
    try {
      try {
        srcUrl = this.src ? new URL(this.src, document.baseURI) : null;
      } catch {
        throw new FaceMeshError('source-failed', `src "${this.src}" is not a URL.`);
      }
      const kindOf = srcUrl ? sourceKind(srcUrl, this.srcType, this.crossOrigin) : Promise.resolve<SourceKind>('camera');
      const [kind] = await Promise.all([
        kindOf.catch((e: unknown) => {
          throw new FaceMeshError('source-failed', `${e instanceof Error ? e.message : String(e)}.${corsAdvice(srcUrl!)}`);
        }),
        this.ensureRuntime(),
      ]);
      if (generation !== this.generation) return;
      this.sourceKind = kind;
      if (kind === 'image') {
        const url = srcUrl!.href;
        const client = this.client!;
        const result = await client.guard(client.api.processUrl(url)).catch((e: unknown) => {
          // The worker's codes (frame-too-large for an image bomb) win over the generic one, which
          // says what to check for a source on another origin.
          const err = toFaceMeshError(e, 'source-failed');
          throw err.code === 'source-failed' && !(e instanceof FaceMeshError) ? new FaceMeshError('source-failed', `${err.message}${corsAdvice(srcUrl!)}`) : err;
        });
        if (generation === this.generation) this.emitResult({ ...result, timestamp: performance.now(), dropped: 0 });
        return;
      }
      const video = await this.videoElement();
      if (kind === 'video') {
        video.srcObject = null;
        video.src = this.src;
        video.loop = true;
      } else {
        const stream = await openCamera(this.facingMode);
        if (generation !== this.generation) {
          stopStream(stream);
          return;
        }
        this.mediaStream = stream;
        video.srcObject = stream;
        this.sourceListeners = new AbortController();
        stream.getVideoTracks()[0]?.addEventListener('ended', () => {
          if (this.mediaStream === stream) this.onCameraEnded();
        }, { signal: this.sourceListeners.signal });
      }
      await video.play().catch((e: unknown) => {
        throw new FaceMeshError('source-failed', kind === 'video'
          ? `The video ${srcUrl!.href} could not be played (${e instanceof Error ? e.message : String(e)}): check the URL and that it is a video this browser plays (${playableFormats(video)}).${corsAdvice(srcUrl!)}`
          : `The camera video could not be played: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (generation !== this.generation) return;
      if (kind === 'video' && !(await videoPixelsReadable(video))) {
        throw new FaceMeshError('source-failed', `The video ${srcUrl!.href} plays, but its pixels cannot be read: it comes from another origin without CORS.${corsAdvice(srcUrl!, true)}`);
      }
      if (generation !== this.generation) return;
      this.running = true;
      this.showStart = false;
      if (!this.paused) this.startFrames();
    } catch (e) {
      if (generation === this.generation) {
        const err = e instanceof FaceMeshError ? e : new FaceMeshError('internal', e instanceof Error ? e.message : String(e));
        this.dispatchEvent(new FaceMeshErrorEvent({ code: err.code, message: err.message }));
        this.stopSource();
        throw err;
      }
    }
  }

  /** Stop the camera or video; the worker and models stay loaded for the next start(). */
  stop(): void {
    this.wantsSource = false;
    this.generation++;
    this.stopSource();
  }

  /**
   * Find faces in one frame the page provides (ImageBitmap and VideoFrame are transferred, ImageData
   * copied), as a still image: it does not disturb tracking of the live source.
   */
  async detect(frame: DetectInput): Promise<LandmarksDetail> {
    // The worker lives while the element is in the document (removal terminates it): a detached
    // element would start one that nothing ever stops.
    if (!this.isConnected) throw new FaceMeshError('not-connected', 'The element is not in the document: add it (it may be hidden), then call detect().');
    const transfer = frameTransferList(frame);
    await this.ensureRuntime();
    const client = this.client!;
    const result = await client.guard(client.api.process(Comlink.transfer(frame as FrameInput, transfer), { stillImage: true })).catch((e: unknown) => {
      throw toFaceMeshError(e, 'bad-frame', frame);
    });
    return { ...result, timestamp: performance.now(), dropped: 0 };
  }

  /** Start the worker and load the models once; resolves with the runtime mode. */
  private ensureRuntime(): Promise<ReadyDetail> {
    if (this.ready) return this.ready;
    if (!this.isConnected) {
      // Only a connected element may own a worker: disconnecting is what terminates it.
      return Promise.reject(new FaceMeshError('not-connected', 'The element is not in the document: add it, then call start().'));
    }
    // Never let a worker go unowned (each element owns at most one).
    this.client?.close();
    const t0 = performance.now();
    const client = startRuntime(this.assetBase || FaceMeshElement.assetBase, { integrity: this.assetIntegrity !== 'off' });
    this.client = client;
    client.onCrash = (message) => this.onWorkerCrash(client, message);
    const ready = (async (): Promise<ReadyDetail> => {
      this.dispatchEvent(new LoadProgressEvent({ stage: 'wasm', progress: 0 }));
      // 0 .. 0.3 as the wasm binary's bytes arrive, 0.3 .. 0.95 as the models' do.
      const wasmProgress = (fraction: number) => {
        if (this.client === client && fraction > 0) this.dispatchEvent(new LoadProgressEvent({ stage: 'wasm', progress: 0.3 * fraction }));
      };
      const mode = await client.init({ threads: this.threadsOption() }, wasmProgress).catch((e: unknown) => {
        throw toFaceMeshError(e, 'wasm-unsupported');
      });
      this.dispatchEvent(new LoadProgressEvent({ stage: 'models', progress: 0.3 }));
      const onProgress = Comlink.proxy((fraction: number) => {
        if (this.client === client) this.dispatchEvent(new LoadProgressEvent({ stage: 'models', progress: 0.3 + 0.65 * fraction }));
      });
      await client.guard(client.api.createPipeline(this.modelUrls(client), this.pipelineOptions(), onProgress)).catch((e: unknown) => {
        throw toFaceMeshError(e, 'model-load-failed');
      });
      await client.guard(this.attachOverlay(client));
      const detail: ReadyDetail = { ...mode, loadMs: performance.now() - t0, overlay: this.overlayOn ? 'on' : 'off' };
      if (!this.overlayOn) {
        const why = 'The overlay is off: this browser cannot hand a canvas to a worker (no HTMLCanvasElement.transferControlToOffscreen).';
        detail.note = detail.note ? `${detail.note} ${why}` : why;
      }
      this.dispatchEvent(new LoadProgressEvent({ stage: 'ready', progress: 1 }));
      this.dispatchEvent(new ReadyEvent(detail));
      return detail;
    })();
    this.ready = ready;
    ready.catch(() => {
      if (this.client === client) this.dropRuntime();
    });
    return ready;
  }

  private async attachOverlay(client: RuntimeClient): Promise<void> {
    await this.updateComplete;
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
    this.renderRoot.querySelector('.stage')?.append(canvas);
    this.overlayCanvas = canvas;
    const offscreen = canvas.transferControlToOffscreen();
    await client.api.setOverlay(Comlink.transfer(offscreen, [offscreen]), this.overlayMode(), client.geometryUrl);
    // (awaited: a still image is drawn once, right after start)
    if (this.textureSrc) await this.sendTexture(client);
  }

  /** The `texture-src` image to the worker; one that cannot be loaded is an error event, not a failed start. */
  private async sendTexture(client: RuntimeClient): Promise<void> {
    const url = this.textureSrc ? new URL(this.textureSrc, document.baseURI).href : null;
    await client.guard(client.api.setOverlayTexture(url)).catch((e: unknown) => {
      if (!client.dead) this.fail('source-failed', new Error(`The texture-src image could not be used: ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  private async videoElement(): Promise<HTMLVideoElement> {
    this.requestUpdate();
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video');
    if (!video) throw new FaceMeshError('internal', 'no video element');
    return video;
  }

  private startFrames(): void {
    const client = this.client;
    const video = this.renderRoot.querySelector('video');
    if (!client || !video || this.frameSource) return;
    if (document.hidden) {
      // Nothing is processed for a hidden page; onVisibilityChange starts the frames when it shows.
      if (!this.hiddenSuspended) {
        this.hiddenSuspended = true;
        this.dispatchEvent(new SuspendEvent({ reason: 'hidden' }));
      }
      return;
    }
    let gaveUp = false;
    const listener: StreamListener = {
      onResult: (r) => {
        this.liveErrors.end();
        this.emitResult(r);
      },
      onError: (e) => {
        if (gaveUp) return;
        if (isPixelReadError(e.message)) {
          gaveUp = true;
          // A frame whose pixels cannot be read (a cross-origin source without CORS): every frame would fail the same way.
          this.stopSource();
          const where = this.src ? new URL(this.src, document.baseURI) : null;
          this.fail('source-failed', new Error(`The frames of ${where?.href ?? 'the source'} cannot be read: ${e.message}.${where ? corsAdvice(where, true) : ''}`));
          return;
        }
        this.liveErrors.error(e as ErrorDetail);
      },
    };
    const track = this.mediaStream?.getVideoTracks()[0];
    if (this.sourceKind === 'camera' && track && canTransferTrackFrames()) {
      // A processor's stream can be read once: clone the track so pause/resume gets a fresh one.
      const clone = track.clone();
      const { source, done } = streamTrack(client.api, clone, listener);
      const frameSource: FrameSource = { stop: () => { source.stop(); clone.stop(); } };
      this.frameSource = frameSource;
      // The worker's stream ends by itself when the camera goes away (unplugged, revoked).
      void client.guard(done).then(() => {
        if (this.frameSource === frameSource) this.onCameraEnded();
      }, () => {});
    } else {
      this.frameSource = streamVideoElement(client.api, video, listener);
    }
  }

  private stopFrames(): void {
    this.frameSource?.stop();
    this.frameSource = null;
    this.liveErrors.end();
  }

  private emitResult(r: StreamFrameResult | (FrameResult & { timestamp: number; dropped: number })): void {
    const detail: LandmarksDetail = {
      timestamp: r.timestamp,
      width: r.width,
      height: r.height,
      faces: r.faces,
      timings: r.timings,
      detectorRan: r.detectorRan,
      dropped: r.dropped,
    };
    this.dispatchEvent(new LandmarksEvent(detail));
    const count = r.faces.length;
    const ids = new Set(r.faces.map((f) => f.id));
    for (const id of this.faceIds) if (!ids.has(id)) this.dispatchEvent(new FaceLostEvent({ id, count, timestamp: r.timestamp }));
    for (const id of ids) if (!this.faceIds.has(id)) this.dispatchEvent(new FaceFoundEvent({ id, count, timestamp: r.timestamp }));
    this.faceIds = ids;
  }

  private onCameraEnded(): void {
    this.stopSource();
    this.dispatchEvent(new FaceMeshErrorEvent({ code: 'camera-ended', message: 'The camera stopped (unplugged or taken by another application). Call start() to try again.' }));
  }

  private stopSource(): void {
    this.stopFrames();
    this.sourceListeners?.abort();
    this.sourceListeners = null;
    stopStream(this.mediaStream);
    this.mediaStream = null;
    const video = this.renderRoot?.querySelector('video');
    if (video) {
      video.pause();
      const hadSource = video.srcObject !== null || video.hasAttribute('src');
      video.srcObject = null;
      video.removeAttribute('src');
      // Without a load() the media player (decoder, GStreamer pipeline in WebKitGTK) lives on until
      // garbage collection; WebKitGTK stalled new videos after a few such left-overs.
      if (hadSource) video.load();
    }
    this.hiddenSuspended = false;
    if (this.running) {
      this.running = false;
      for (const id of this.faceIds) this.dispatchEvent(new FaceLostEvent({ id, count: 0, timestamp: performance.now() }));
      this.faceIds = new Set();
    }
    void this.client?.api.resetPipeline().catch(() => {});
  }

  /** Stop everything and terminate the worker (tensors, wasm threads and all). */
  private shutdown(): void {
    this.generation++;
    this.stopSource();
    this.dropRuntime();
  }

  private dropRuntime(): void {
    this.client?.close();
    this.client = null;
    this.ready = null;
    this.overlayCanvas?.remove();
    this.overlayCanvas = null;
  }

  /** The worker died or hangs: report it, restart it once (resuming the source), stop on a second crash. */
  private onWorkerCrash(client: RuntimeClient, message: string): void {
    if (this.client !== client) return;
    const wanted = this.wantsSource;
    const action = this.crashes.crashed();
    this.fail('worker-crashed', new Error(action === 'restart'
      ? `${message} It was restarted.`
      : `${message} It crashed again, so face-mesh stopped; call start() to try again.`));
    this.shutdown();
    if (action === 'stop') {
      this.wantsSource = false;
      return;
    }
    this.crashes.restart(() => {
      if (wanted) void this.start().catch(() => {});
      else void this.ensureRuntime().catch((e: unknown) => this.fail(toFaceMeshError(e, 'internal').code, e));
    });
  }

  private fail(code: FaceMeshErrorCode, e: unknown): void {
    this.dispatchEvent(new FaceMeshErrorEvent({ code, message: e instanceof Error ? e.message : String(e) }));
  }

  private modelUrls(client: RuntimeClient): PipelineModelUrls {
    return { ...client.modelUrls, mesh: this.refine ? client.modelUrls.mesh : client.plainMeshUrl };
  }

  private pipelineOptions(): Partial<PipelineOptions> {
    return {
      maxFaces: this.maxFaces,
      detectionIntervalMs: Number.isFinite(this.detectionInterval) && this.detectionInterval >= 0 ? this.detectionInterval : DEFAULT_DETECTION_INTERVAL_MS,
      minDetectionConfidence: this.minDetectionConfidence,
      minTrackingConfidence: this.minTrackingConfidence,
      mirror: this.mirror,
      smoothing: this.smoothing !== 'off',
      smoothingMinCutoff: this.smoothingMinCutoff,
      smoothingBeta: this.smoothingBeta,
      smoothingDerivateCutoff: this.smoothingDerivateCutoff,
      // The pose axes overlay needs the pose.
      transform: this.transform || this.overlay === 'axes',
      eyes: this.eyes,
      fov: this.fov,
    };
  }

  private threadsOption(): 'auto' | 'off' | number {
    if (this.threads === 'off') return 'off';
    const n = Number(this.threads);
    return Number.isInteger(n) && n >= 1 ? n : 'auto';
  }

  private overlayMode(): OverlayMode {
    return (['none', 'mesh', 'contours', 'irises', 'points', 'axes', 'texture'] as const).includes(this.overlay) ? this.overlay : 'contours';
  }
}

/** The video formats this browser says it plays, for error messages. */
function playableFormats(video: HTMLVideoElement): string {
  const formats = [['MP4/H.264', 'video/mp4; codecs="avc1.42E01E"'], ['WebM/VP9', 'video/webm; codecs="vp9"'], ['WebM/VP8', 'video/webm; codecs="vp8"']] as const;
  const playable = formats.filter(([, type]) => video.canPlayType(type) !== '').map(([name]) => name);
  return playable.length ? `this browser plays ${playable.join(', ')}` : 'this browser reports no MP4 or WebM support';
}

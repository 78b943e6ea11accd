/** The `<face-mesh>` element class (no side effects: `define.ts` registers the tag). */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { FrameInput } from '@face-mesh/worker-runtime';
import { ELEMENT_DEFAULTS, type OverlayMode } from '@face-mesh/worker-runtime/defaults';
import type { FacingMode } from './camera.js';
import { errorEvent, FaceMeshError, type FaceMeshEventMap, type LandmarksDetail } from './events.js';
import { FaceEvents } from './face_events.js';
import { frameTransferList, toFaceMeshError, type DetectInput } from './frame_input.js';
import { RuntimeController, WORKER_PROPERTIES } from './runtime_controller.js';
import { maxFpsOf } from './element_options.js';
import { SourceController, type SourceKind } from './source_controller.js';
import { kindFromUrl, type MediaKind, type SrcType } from './source_type.js';
import { styles } from './styles.js';

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
 * @fires {ReadyEvent} ready - The runtime and models are loaded (with `preload="auto"`, the default, before start() is called); `detail` has the wasm mode (simd, threads) and load time.
 * @fires {FaceFoundEvent} facefound - A new face (a new `detail.id`) was found.
 * @fires {FaceLostEvent} facelost - A tracked face (`detail.id`) was lost.
 * @fires {FaceMeshErrorEvent} error - `detail.code` (e.g. camera-denied, model-load-failed) and an actionable `detail.message`. Does not bubble.
 * @fires {LoadProgressEvent} progress - Start-up progress (`detail.stage`, `detail.progress` 0..1), while preloading too.
 * @fires {SuspendEvent} suspend - Processing stopped because the page was hidden (`detail.reason` 'hidden'); the camera stays open.
 * @fires {ResumeEvent} resume - Processing started again: the page is visible again.
 * @fires {ThreadsChangeEvent} threadschange - `threads="auto"` changed the wasm thread count while running (`detail.threads`, `detail.binary`, `detail.reason`, `detail.measuredMs`).
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
    maxFps: { type: Number, attribute: 'max-fps', reflect: true },
    assetBase: { type: String, attribute: 'asset-base', reflect: true },
    assetIntegrity: { type: String, attribute: 'asset-integrity', reflect: true },
    assetCache: { type: String, attribute: 'asset-cache', reflect: true },
    preload: { type: String, reflect: true },
    facingMode: { type: String, attribute: 'facing-mode', reflect: true },
    src: { type: String, reflect: true },
    srcType: { type: String, attribute: 'src-type', reflect: true },
    crossOrigin: { type: String, attribute: 'crossorigin', reflect: true },
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
   * 'auto' (default): measured. On a cross-origin isolated page reporting 4 cores or more
   * (`navigator.hardwareConcurrency`), one thread and half the cores (2 to 4) are timed once the
   * models are loaded and the faster kept (more threads must be 20% faster); while frames run, more
   * threads that get slower than one thread (another program on a core, throttled cores) give way to
   * one, and are tried again later (`threadschange` event). One thread runs on the SIMD binary, as
   * 'off' does (the worker's wasm runtime restarts on it, and on the threaded one to try more
   * threads again; tracking goes on). Fewer than 4 cores: one thread (the SIMD binary). A number:
   * that many threads; 'off': one thread. `ready.detail.threadChoice` says what was chosen, on
   * which binary, and why.
   */
  declare threads: 'auto' | 'off' | `${number}`;
  /**
   * The CPU budget: process at most this many frames a second (the rest are skipped before any
   * work), so a phone runs cooler; `landmarks` events' `detail.busy` is the worker's measured load.
   * 0 (default): every camera frame. Negative or not a number: the default, with an
   * `invalid-option` error event.
   */
  declare maxFps: number;
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
  /**
   * 'on' (default): the checked wasm binary and model files are kept in the browser's Cache Storage
   * by their SHA-256, so later visits start from there, whatever the server's cache headers say and
   * without the network; a new build's files replace the old ones. A full or denied storage is the
   * network, silently. 'off': neither kept nor taken from there. Nothing is kept with
   * `asset-integrity="off"` (nothing is checked).
   */
  declare assetCache: 'on' | 'off';
  /**
   * 'auto' (default): load the runtime and the models (download, check, compile) as soon as the
   * element is in the document, so start() then waits only for the camera; not when the browser asks
   * to save data (`navigator.connection.saveData`). 'none': load them on start() or detect(), as
   * `<video preload="none">` waits for play. `progress` and `ready` events come either way.
   */
  declare preload: 'auto' | 'none';
  /** Which camera: 'user' (front) or 'environment' (back). Default 'user'. */
  declare facingMode: FacingMode;
  /**
   * An image or video URL to use instead of the camera. As on `<img>`/`<video>`, setting or changing
   * it on an element in the page loads it; clearing it stops the source.
   */
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
  /**
   * The worker script for every element (set before elements start); '' = the `face-mesh.worker.js`
   * next to `face-mesh.js`. A script on another origin (a CDN) is started through a blob: module
   * that imports it; a page whose CSP refuses blob: workers sets this to a copy on its own origin.
   */
  static workerUrl = '';

  /** The worker: started on first use, kept in step with the properties, restarted once after a crash. */
  private readonly runtime = new RuntimeController(this, (action, event) => this.workerCrashed(action, event));
  /** `landmarks`, `facefound`, `facelost`. */
  private readonly faces = new FaceEvents(this);
  /** The camera or `src`, and its frames. */
  private readonly source = new SourceController(this, this.runtime, this.faces);
  /** Bumped on every disconnect: a reconnection in the same task (a move) cancels the pending shutdown. */
  private disconnects = 0;
  /** Removed, not yet shut down: a reconnection now is a move. */
  private moving = false;

  constructor() {
    super();
    this.maxFaces = ELEMENT_DEFAULTS.maxFaces;
    this.detectionInterval = ELEMENT_DEFAULTS.detectionInterval;
    this.minDetectionConfidence = ELEMENT_DEFAULTS.minDetectionConfidence;
    this.minTrackingConfidence = ELEMENT_DEFAULTS.minTrackingConfidence;
    this.mirror = ELEMENT_DEFAULTS.mirror;
    this.overlay = ELEMENT_DEFAULTS.overlay;
    this.paused = false;
    this.threads = ELEMENT_DEFAULTS.threads;
    this.maxFps = ELEMENT_DEFAULTS.maxFps;
    this.assetBase = '';
    this.assetIntegrity = 'on';
    this.assetCache = 'on';
    this.preload = 'auto';
    this.facingMode = 'user';
    this.src = '';
    this.srcType = 'auto';
    this.crossOrigin = null;
    this.autostart = false;
    this.running = false;
    this.smoothing = ELEMENT_DEFAULTS.smoothing;
    this.smoothingMinCutoff = ELEMENT_DEFAULTS.smoothingMinCutoff;
    this.smoothingBeta = ELEMENT_DEFAULTS.smoothingBeta;
    this.smoothingDerivateCutoff = ELEMENT_DEFAULTS.smoothingDerivateCutoff;
    this.transform = ELEMENT_DEFAULTS.transform;
    this.eyes = ELEMENT_DEFAULTS.eyes;
    this.fov = ELEMENT_DEFAULTS.fov;
    this.textureSrc = '';
    this.refine = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.moving) {
      // Moved (removed and put back before the pending shutdown ran): everything keeps running.
      this.moving = false;
      this.source.visibilityChanged();
      return;
    }
    if (this.autostart || this.src) void this.start().catch(() => {});
    else this.runtime.preloadSoon();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
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

  /**
   * Changes that restart the worker or the source. Made before rendering, so that the state they
   * reset (`running`) belongs to this update instead of scheduling another one.
   */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (WORKER_PROPERTIES.some((k) => changed.has(k) && changed.get(k) !== undefined)) {
      // The wasm mode and the asset URLs are fixed per worker: start a new one.
      // (wanted, not running: a start still under way when the attribute changes counts too)
      const wanted = this.source.wanted;
      this.shutdown();
      if (wanted || this.src) void this.start().catch(() => {});
      else this.runtime.preloadSoon();
      return;
    }
    if (changed.has('preload') && changed.get('preload') !== undefined) this.runtime.preloadSoon();
    // A new src loads (connectedCallback loads one set before the first render), a cleared one
    // stops; a new camera switches the running one.
    const changedLater = (k: keyof FaceMeshElement) => changed.has(k) && changed.get(k) !== undefined;
    const action = this.isConnected ? this.source.afterChange(changedLater('src'), changedLater('facingMode')) : null;
    if (action === 'start') void this.start().catch(() => {});
    else if (action === 'stop') this.source.stop();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // (the runtime controller sends the worker what changed: hostUpdated)
    if (changed.has('paused') && changed.get('paused') !== undefined) this.source.pausedChanged();
    if (changed.has('maxFps') && maxFpsOf(this.maxFps).invalid) {
      this.dispatchEvent(errorEvent('invalid-option', `max-fps="${this.getAttribute('max-fps') ?? this.maxFps}" is not a number of frames a second (0 or more): every frame is processed (the default).`));
    }
  }

  override render(): TemplateResult {
    const kind = this.displayKind();
    const crossOrigin = this.crossOrigin === 'use-credentials' ? 'use-credentials' : this.crossOrigin !== null ? 'anonymous' : undefined;
    return html`
      <div class="stage" part="stage">
        ${kind === 'image'
          ? html`<img part="image" class=${this.mirror ? 'mirrored' : ''} src=${ifDefined(this.source.shownImage)} alt="" crossorigin=${ifDefined(crossOrigin)} />`
          : html`<video part="video" class=${this.mirror ? 'mirrored' : ''} crossorigin=${ifDefined(crossOrigin)} playsinline muted></video>`}
      </div>
      ${kind === 'camera' && this.source.showStart && !this.running
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
    const known = this.source.kind;
    return fromUrl ?? (known === 'camera' ? 'video' : known);
  }

  /** Ask for the camera (or load `src`) and start firing `landmarks` events. */
  async start(): Promise<void> {
    if (!this.isConnected) {
      // A camera or worker started for an element outside the document would never be stopped.
      throw new FaceMeshError('not-connected', 'The element is not in the document: add it, then call start().');
    }
    this.runtime.started();
    return this.source.start();
  }

  /** Stop the camera or video; the worker and models stay loaded for the next start(). */
  stop(): void {
    this.source.stop();
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
    await this.runtime.ensure();
    const result = await this.runtime.client!.processStill({ frame: frame as FrameInput, transfer }).catch((e: unknown) => {
      throw toFaceMeshError(e, 'bad-frame', frame);
    });
    return { ...result, timestamp: performance.now(), dropped: 0, busy: NaN, threads: this.runtime.threads };
  }

  /** Stop everything and terminate the worker (tensors, wasm threads and all). */
  private shutdown(): void {
    this.source.halt();
    this.runtime.drop();
  }

  /** The worker died or hangs: report it, restart it once (resuming the source), stop on a second crash. */
  private workerCrashed(action: 'restart' | 'stop', event: Event): void {
    const wanted = this.source.wanted;
    this.dispatchEvent(event);
    if (action === 'stop') {
      this.source.stop();
      this.runtime.drop();
      return;
    }
    this.shutdown();
    this.runtime.restart(() => {
      if (wanted) void this.start().catch(() => {});
      else void this.runtime.ensure().catch((e: unknown) => this.dispatchEvent(errorEvent(toFaceMeshError(e, 'internal').code, e)));
    });
  }
}

/**
 * The element's events typed on the element (`mesh.addEventListener('error', (e) => e.detail.code)`),
 * as lib.dom types `<video>`'s: declarations only, merged into the class.
 */
export interface FaceMeshElement {
  addEventListener<K extends keyof FaceMeshEventMap>(type: K, listener: (this: FaceMeshElement, event: FaceMeshEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof FaceMeshEventMap>(type: K, listener: (this: FaceMeshElement, event: FaceMeshEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/**
 * The product API the page's element uses, exposed through Comlink (with the diagnostics API, see
 * worker_api.ts): start the backend, load the pipeline, process frames and streams, draw overlays.
 * Small and typed: the main thread stays thin.
 */
import * as Comlink from 'comlink';
import { diagnoseWasmFailure, initWasmBackend, probeBlobScripts, switchWasmBinary, type BackendOptions, type RuntimeMode } from '../backend.js';
import { wasmStartFailure } from '../errors.js';
import { pruneAssets } from '../assets/asset_cache.js';
import { assetPolicy } from '../assets/fetch_asset.js';
import type { StageListener } from '../startup.js';
import type { FrameInput } from '../pipeline/frame.js';
import { fetchImageFile } from '../pipeline/image_file.js';
import { PipelineSession, resultBuffers } from '../pipeline/session.js';
import type { FrameResult, PipelineModelUrls, PipelineOptions } from '../pipeline/types.js';
import { FrameLoop, type StreamListener } from '../stream/frame_loop.js';
import { mayStartThreads, type OverlayMode } from '../defaults.js';
import { OverlayPainter, type TextureBackend } from '../overlay/overlay_painter.js';
import { triangleEdges } from '@face-mesh/geometry';
import { loadFaceGeometryMetadata } from '../pipeline/face_geometry_file.js';
import { texturedMesh } from '../overlay/face_texture.js';
import { autoThreadCandidates, type ThreadChoice } from '../threads/thread_choice.js';
import { fixedChoice, measuresThreads, ThreadTuning, type TuningHost } from '../threads/thread_tuning.js';
import { resizePool } from '@face-mesh/tflite';

/** What init() takes: the backend's options, and whether the checked asset files are kept (asset_cache.ts). */
export interface InitOptions extends BackendOptions {
  /**
   * Keep the files whose SHA-256 is in `sha256`, once checked, in Cache Storage, and take them from
   * there first; files of other builds kept there are dropped. Default false (the element's
   * `asset-cache`, on by default, sets it).
   */
  assetCache?: boolean;
}

export interface RuntimeApi {
  /**
   * Start tfjs on the wasm backend; resolves with the mode actually obtained. Rejects with code
   * 'wasm-load-failed' (the binary could not be fetched; the message names its URL) or
   * 'wasm-unsupported' (the browser cannot run it). `onStage` (a Comlink.proxy) hears each start-up
   * stage as it begins (startup.ts: the page gives each a deadline).
   */
  init(options: InitOptions, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode>;
  /** Answers at once: the page's heartbeat, to notice a worker that died or hangs. */
  ping(): Promise<true>;
  /**
   * Load both models and start the face pipeline (one per worker; a second call replaces it).
   * `onProgress` (a Comlink.proxy) gets the fraction of the model bytes downloaded so far.
   */
  createPipeline(urls: PipelineModelUrls, options?: Partial<PipelineOptions>, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<PipelineOptions>;
  setPipelineOptions(options: Partial<PipelineOptions>): Promise<PipelineOptions>;
  /**
   * One frame through the pipeline; the result's arrays are transferred, not copied. With
   * `stillImage` the frame is a one-off still image: detector, no tracking, tracked faces untouched.
   */
  process(frame: FrameInput, options?: { stillImage?: boolean; timestampMs?: number }): Promise<FrameResult>;
  /** Fetch and decode an image in the worker, then process it as a still image. */
  processUrl(url: string): Promise<FrameResult>;
  /** Forget tracked faces: the next frame starts from the detector. */
  resetPipeline(): Promise<void>;
  disposePipeline(): Promise<void>;

  /**
   * Start the live path: results (and errors) go to `listener` (a Comlink.proxy). With `readable`
   * (a transferred MediaStreamTrackProcessor stream) it resolves when the stream ends; without it,
   * frames come through pushFrame().
   */
  startStream(listener: StreamListener, readable?: ReadableStream<VideoFrame>): Promise<void>;
  /** One frame for the live path (transfer it); the newest frame wins, older ones are closed. */
  pushFrame(frame: ImageBitmap | VideoFrame, timestamp: number): Promise<void>;
  stopStream(): Promise<void>;
  /**
   * Draw results on a transferred OffscreenCanvas (null: stop drawing). `metadataUrl` points at
   * geometry_pipeline_metadata_landmarks.binarypb, whose triangles the 'mesh' mode draws.
   */
  setOverlay(canvas: OffscreenCanvas | null, mode: OverlayMode, metadataUrl?: string): Promise<void>;
  setOverlayMode(mode: OverlayMode): Promise<void>;
  /**
   * The image the 'texture' mode maps onto faces (laid out like the canonical face's texture
   * coordinates), fetched and decoded in the worker; null removes it. Rejects naming the URL when it
   * cannot be fetched or decoded; the previous texture stays. `backend` forces WebGL2 or the Canvas2D
   * fallback (tests, benchmarks); by default WebGL2 on a GPU, Canvas2D without one.
   */
  setOverlayTexture(url: string | null, options?: { backend?: TextureBackend }): Promise<void>;
  /**
   * How many threads the models run on, on which binary, and why. With `threads: 'auto'` and more
   * than one candidate (init's `cores`), the first call measures them on the loaded mesh model and
   * picks one; one thread then restarts the backend on the SIMD binary (`onStage` hears
   * 'thread-switch' first). While frames run the choice follows their times (each change reaches
   * the stream listener's `onThreads`).
   */
  measureThreads(onStage?: StageListener): Promise<ThreadChoice>;
  /** Process at most `fps` live frames a second (camera streams; 0: every frame). */
  setMaxFps(fps: number): Promise<void>;
}

/** The live path's frame counts (what the diagnostics API reports). */
export function liveFrameCounts(): { held: number; dropped: number } {
  return { held: loop?.held ?? 0, dropped: loop?.dropped ?? 0 };
}

let session: PipelineSession | undefined;
let loop: FrameLoop | null = null;
let painter: OverlayPainter | null = null;
/** The texture of the 'texture' overlay mode; kept across painters (a new worker canvas). */
let overlayTexture: ImageBitmap | null = null;
let textureBackend: TextureBackend = 'auto';
/** `auto`'s measurement and governor (null: the thread count is fixed, `fixedThreads` says why). */
let tuning: ThreadTuning | null = null;
let fixedThreads: ThreadChoice | null = null;
let maxFps = 0;

/** The painter draws what the pipeline gives: the mirrored view or not, and the pose's camera. */
function syncPainter(): void {
  if (!painter) return;
  const options = session?.pipeline.getOptions();
  painter.mirrored = options?.mirror ?? false;
  if (options) painter.fov = options.fov;
  painter.texture = overlayTexture;
  painter.textureBackend = textureBackend;
}

/** Progress callbacks come from the page as Comlink proxies: release each when its call is done. */
function releaseProgress(callback: unknown): void {
  (callback as Partial<Comlink.ProxyMethods> | undefined)?.[Comlink.releaseProxy]?.();
}

/** What `auto`'s tuning does in this worker: time the mesh, resize the pool, restart the backend. */
export const tuningHost: TuningHost = {
  meshRun: () => pipelineSession().timeMeshRun(),
  resizePool,
  switchBinary: (binary, threads) => {
    const run = pipelineSession().rebuild(() => switchWasmBinary(binary, threads));
    switching = run.catch(() => undefined);
    return run;
  },
};
/** A restart on another binary under way: loading or dropping a pipeline waits for it. */
let switching: Promise<void> = Promise.resolve();

/**
 * Transferred bitmaps and frames are ours once received: free their memory now, not at GC, but in
 * the next task, after Comlink has posted the reply (closed before it, they added 0.12-0.33 ms to a
 * tracking frame's page round trip: `npm run bench:roundtrip`, docs/performance.md).
 */
function closeAfterReply(frame: FrameInput): void {
  if (typeof frame === 'object' && frame !== null && 'close' in frame && typeof frame.close === 'function') {
    setTimeout(() => (frame as { close(): void }).close(), 0);
  }
}

function pipelineSession(): PipelineSession {
  if (!session) throw new Error('The face pipeline is not loaded: call createPipeline() first.');
  return session;
}

export const runtimeApi: RuntimeApi = {
  async init(options, onProgress, onStage) {
    assetPolicy.cache = options.assetCache === true;
    // (in the background: storage never holds up or fails a start)
    if (assetPolicy.cache) void pruneAssets(new Set(Object.values(options.sha256 ?? {})));
    // tfjs' wasm threads are blob: workers that importScripts() a blob: script. A Content-Security-
    // Policy without blob: in script-src blocks that, and the thread pool dies at start-up; run on
    // one thread instead, and say why. Asked only when threads would start: the probe is itself a
    // nested worker, which Firefox sometimes never starts.
    let note: string | undefined;
    const blobScripts = mayStartThreads(options) ? await probeBlobScripts() : 'allowed';
    if (blobScripts !== 'allowed') {
      options = { ...options, threads: 'off' };
      note = blobScripts === 'refused'
        ? "wasm threads are off: the page's Content-Security-Policy does not allow blob: scripts (threads need script-src blob: and worker-src blob:, and no Trusted Types enforcement for the worker)."
        : 'wasm threads are off: three nested workers in a row never started in this browser (Firefox was seen to do this), and the thread pool is made of them.';
    }
    try {
      const mode = await initWasmBackend(options, onProgress, onStage);
      const cores = options.cores ?? navigator.hardwareConcurrency ?? 1;
      const measured = mode.binary === 'threaded-simd' && measuresThreads(options, cores);
      tuning = measured ? new ThreadTuning(autoThreadCandidates(cores), tuningHost) : null;
      fixedThreads = measured ? null : fixedChoice(mode.threads, mode.binary, options.threads, note ?? mode.note);
      const threadChoice = tuning?.choice ?? fixedThreads!;
      return note ? { ...mode, note, threadChoice } : { ...mode, threadChoice };
    } catch (e) {
      // Our own download errors (stalled, refused checksum) say more than a probe can.
      throw wasmStartFailure(e) ?? await diagnoseWasmFailure(options, e);
    } finally {
      releaseProgress(onProgress);
      releaseProgress(onStage);
    }
  },

  async ping() {
    return true;
  },

  async createPipeline(urls, options, onProgress, onStage) {
    let next: PipelineSession;
    try {
      await switching;
      next = await PipelineSession.load(urls, options, onProgress, onStage);
    } finally {
      releaseProgress(onProgress);
      releaseProgress(onStage);
    }
    session?.dispose();
    session = next;
    syncPainter();
    return next.pipeline.getOptions();
  },

  async setPipelineOptions(options) {
    const p = pipelineSession().pipeline;
    p.setOptions(options);
    syncPainter();
    return p.getOptions();
  },

  async process(frame, options) {
    try {
      const result = await pipelineSession().process(frame, options);
      painter?.draw(result);
      return Comlink.transfer(result, resultBuffers(result));
    } finally {
      closeAfterReply(frame);
    }
  },

  async processUrl(url) {
    const bitmap = await fetchImageFile(url);
    try {
      const result = await pipelineSession().process(bitmap, { stillImage: true });
      painter?.draw(result);
      return Comlink.transfer(result, resultBuffers(result));
    } finally {
      closeAfterReply(bitmap);
    }
  },

  async resetPipeline() {
    pipelineSession().pipeline.reset();
  },

  async disposePipeline() {
    await switching;
    session?.dispose();
    session = undefined;
  },

  async startStream(listener, readable) {
    loop?.stop();
    const current = new FrameLoop(pipelineSession, listener, tuning, fixedThreads?.threads ?? 1);
    current.painter = painter;
    current.maxFps = maxFps;
    loop = current;
    if (readable) await current.consume(readable);
  },

  async pushFrame(frame, timestamp) {
    if (!loop) {
      frame.close();
      throw new Error('pushFrame() before startStream().');
    }
    loop.push(frame, timestamp);
  },

  async stopStream() {
    loop?.stop();
    loop = null;
  },

  async setOverlay(canvas, mode, metadataUrl) {
    painter?.dispose();
    painter = canvas ? new OverlayPainter(canvas, mode) : null;
    syncPainter();
    if (painter && metadataUrl) {
      // (parsed once per worker; the triangles' edges are cheap to rebuild)
      const metadata = await loadFaceGeometryMetadata(metadataUrl);
      painter.edges = triangleEdges(metadata.triangles);
      painter.textureMesh = texturedMesh(metadata);
    }
    if (loop) loop.painter = painter;
  },

  async setOverlayMode(mode) {
    if (painter) {
      painter.mode = mode;
      if (mode === 'none') painter.clear();
    }
  },

  async measureThreads(onStage) {
    try {
      if (!tuning) return fixedThreads ?? fixedChoice(1, 'simd', undefined, 'The wasm runtime is not started.');
      if (!Object.keys(tuning.choice.measuredMs).length) {
        pipelineSession();
        const bytes = session?.modelBytes ?? 0;
        await tuning.measure(() => onStage?.({ stage: 'thread-switch', bytes }));
      }
      return tuning.choice;
    } finally {
      releaseProgress(onStage);
    }
  },

  async setMaxFps(fps) {
    maxFps = fps;
    if (loop) loop.maxFps = fps;
  },

  async setOverlayTexture(url, options) {
    if (options?.backend) textureBackend = options.backend;
    // Premultiplied: how WebGL blends it onto the (premultiplied) canvas.
    const next = url ? await fetchImageFile(url, { premultiplyAlpha: 'premultiply', colorSpaceConversion: 'default' }) : null;
    overlayTexture?.close();
    overlayTexture = next;
    syncPainter();
  },
};

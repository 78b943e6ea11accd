/** What the worker exposes through Comlink. Small and typed: the main thread stays thin. */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { initWasmBackend, type BackendOptions, type RuntimeMode } from './backend.js';
import { RuntimeError } from './errors.js';
import { createExecutor, type ModelExecutor } from './model_executor.js';
import { PlanExecutor } from './plan/plan_executor.js';
import type { ExecutorOptions, OpProfileEntry } from './executor_types.js';
import { fetchModel } from './loader.js';
import { fetchAsset } from './fetch_asset.js';
import { checkFrameSize, FrameError, type FrameInput } from './pipeline/frame.js';
import { imageSize } from './pipeline/image_size.js';
import { PipelineSession, resultBuffers, type PipelineModelUrls } from './pipeline/session.js';
import type { FrameResult, PipelineOptions } from './pipeline/types.js';
import { FrameLoop, type StreamListener } from './stream/frame_loop.js';
import { OverlayPainter, type OverlayMode, type TextureBackend } from './overlay/overlay_painter.js';
import { triangleEdges } from '@face-mesh/geometry';
import { loadFaceGeometryMetadata } from './pipeline/face_geometry_file.js';
import { texturedMesh } from './overlay/face_texture.js';

export interface ModelInfo {
  id: number;
  url: string;
  description: string;
  inputShape: number[];
  outputs: { name: string; shape: number[] }[];
  /** Operators in the file, and compute steps left after fusion and aliasing. */
  operators: number;
  steps: number;
  loadMs: number;
}

export interface RunResult {
  /** Graph outputs in SubGraph.outputs order (buffers transferred to the caller). */
  outputs: Float32Array[];
  ms: number;
}

export interface BenchResult {
  /** Wall time of each timed run. */
  ms: number[];
  /** Time per op type (a separate pass, since timing each op adds overhead). */
  ops: OpProfileEntry[];
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  /** Size of the wasm backend's linear memory (it only grows), or null when not on wasm. */
  wasmHeapBytes: number | null;
  /** Live-path frames the worker holds (being processed + waiting): at most 2, never a queue. */
  framesHeld: number;
  /** Live-path frames dropped so far because a newer one arrived while the worker was busy. */
  framesDropped: number;
}

export interface RuntimeApi {
  /**
   * Start tfjs on the wasm backend; resolves with the mode actually obtained. Rejects with code
   * 'wasm-load-failed' (the binary could not be fetched; the message names its URL) or
   * 'wasm-unsupported' (the browser cannot run it).
   */
  init(options: BackendOptions, onProgress?: (fraction: number) => void): Promise<RuntimeMode>;
  /** Answers at once: the page's heartbeat, to notice a worker that died or hangs. */
  ping(): Promise<true>;
  /** Fetch, parse and compile a .tflite model; errors name the URL and the problem. */
  loadModel(url: string, options?: ExecutorOptions): Promise<ModelInfo>;
  run(id: number, input: Float32Array): Promise<RunResult>;
  bench(id: number, input: Float32Array, runs: number, warmup: number): Promise<BenchResult>;
  disposeModel(id: number): Promise<void>;
  /** tf.memory().numTensors, to check that runs leak nothing. */
  numTensors(): Promise<number>;
  /** Tensor count and bytes (tf.memory()) and the wasm heap's size, for leak checks and benchmarks. */
  memoryInfo(): Promise<MemoryInfo>;

  /**
   * Load both models and start the face pipeline (one per worker; a second call replaces it).
   * `onProgress` (a Comlink.proxy) gets the fraction of the model bytes downloaded so far.
   */
  createPipeline(urls: PipelineModelUrls, options?: Partial<PipelineOptions>, onProgress?: (fraction: number) => void): Promise<PipelineOptions>;
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
}

let session: PipelineSession | undefined;
let loop: FrameLoop | null = null;
let painter: OverlayPainter | null = null;
/** The texture of the 'texture' overlay mode; kept across painters (a new worker canvas). */
let overlayTexture: ImageBitmap | null = null;
let textureBackend: TextureBackend = 'auto';

/** The painter draws what the pipeline gives: the mirrored view or not, and the pose's camera. */
function syncPainter(): void {
  if (!painter) return;
  const options = session?.pipeline.getOptions();
  painter.mirrored = options?.mirror ?? false;
  if (options) painter.fov = options.fov;
  painter.texture = overlayTexture;
  painter.textureBackend = textureBackend;
}

/** Compressed image files larger than this are refused before they are read to the end. */
const MAX_IMAGE_BYTES = 256 << 20;

/**
 * Fetch (stall timeout, size cap) and decode an image, refusing one over MAX_FRAME_PIXELS from its
 * header, before decoding (a small file can decode to gigabytes): 'frame-too-large'.
 */
async function fetchImage(url: string, options: ImageBitmapOptions = { colorSpaceConversion: 'default' }): Promise<ImageBitmap> {
  const bytes = await fetchAsset(url, {
    what: 'the image', code: 'source-failed', integrityCode: 'source-failed', maxBytes: MAX_IMAGE_BYTES, hint: 'Check the src URL.',
  });
  const size = imageSize(bytes);
  if (size) {
    try {
      checkFrameSize(size.width, size.height);
    } catch (e) {
      throw e instanceof FrameError ? new FrameError(e.code, `The image ${url} (${size.format}): ${e.message}`) : e;
    }
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), options);
  } catch {
    throw new RuntimeError('source-failed', `The image ${url} could not be decoded (is it a JPEG, PNG, WebP or GIF?).`);
  }
  return bitmap;
}

/** Why the wasm backend did not start: a binary that cannot be fetched, or a browser that cannot run it. */
async function wasmError(options: BackendOptions, cause: unknown): Promise<RuntimeError> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (typeof WebAssembly !== 'object') {
    return new RuntimeError('wasm-unsupported', 'This browser has no WebAssembly (or it is turned off), which face-mesh needs.');
  }
  // backend.ts narrows these flags to the binary it asked tfjs for before starting it.
  const env = tf.env();
  const simd = env.getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = env.getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const file = simd ? (threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm') : 'tfjs-backend-wasm.wasm';
  const base = options.wasmBase.endsWith('/') ? options.wasmBase : `${options.wasmBase}/`;
  const url = new URL(options.wasmFiles?.[file] ?? file, new URL(base, self.location.href)).href;
  let status: string;
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    if (res.ok) {
      return new RuntimeError('wasm-unsupported', `The WebAssembly binary ${url} is there but did not start in this browser: ${reason}`);
    }
    status = `HTTP ${res.status}`;
  } catch (e) {
    status = e instanceof Error ? e.message : String(e);
  }
  return new RuntimeError('wasm-load-failed', `Could not load the WebAssembly binary ${url} (${status}). Check that asset-base points at the folder holding wasm/ and models/ (npm run build puts them next to the bundle).`);
}

/** Whether a blob: worker may importScripts() a blob: script here (what tfjs' wasm threads do). */
async function blobScriptsAllowed(): Promise<boolean> {
  const inner = URL.createObjectURL(new Blob(['0'], { type: 'text/javascript' }));
  const outer = URL.createObjectURL(new Blob([`try{importScripts(${JSON.stringify(inner)});postMessage(true)}catch(e){postMessage(false)}`], { type: 'text/javascript' }));
  try {
    return await new Promise<boolean>((resolve) => {
      let probe: Worker;
      try {
        probe = new Worker(outer);
      } catch {
        resolve(false);
        return;
      }
      probe.onmessage = (e: MessageEvent) => {
        resolve(e.data === true);
        probe.terminate();
      };
      probe.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        resolve(false);
        probe.terminate();
      };
    });
  } finally {
    URL.revokeObjectURL(inner);
    URL.revokeObjectURL(outer);
  }
}

/** Progress callbacks come from the page as Comlink proxies: release each when its call is done. */
function releaseProgress(callback: unknown): void {
  (callback as Partial<Comlink.ProxyMethods> | undefined)?.[Comlink.releaseProxy]?.();
}

function pipelineSession(): PipelineSession {
  if (!session) throw new Error('The face pipeline is not loaded: call createPipeline() first.');
  return session;
}

const models = new Map<number, ModelExecutor>();
let nextId = 1;

function model(id: number): ModelExecutor {
  const m = models.get(id);
  if (!m) throw new Error(`no model with id ${id}`);
  return m;
}

export const runtimeApi: RuntimeApi = {
  async init(options, onProgress) {
    // tfjs' wasm threads are blob: workers that importScripts() a blob: script. A Content-Security-
    // Policy without blob: in script-src blocks that, and the thread pool dies at start-up; run on
    // one thread instead, and say why.
    let note: string | undefined;
    if (options.threads !== 'off' && globalThis.crossOriginIsolated === true && !(await blobScriptsAllowed())) {
      options = { ...options, threads: 'off' };
      note = "wasm threads are off: the page's Content-Security-Policy does not allow blob: scripts (threads need script-src blob: and worker-src blob:, and no Trusted Types enforcement for the worker).";
    }
    try {
      const mode = await initWasmBackend(options, onProgress);
      return note ? { ...mode, note } : mode;
    } catch (e) {
      // Our own download errors (stalled, refused checksum) say more than a probe can.
      throw e instanceof RuntimeError ? e : await wasmError(options, e);
    } finally {
      releaseProgress(onProgress);
    }
  },

  async ping() {
    return true;
  },

  async loadModel(url, options) {
    const start = performance.now();
    const graph = await fetchModel(url);
    const executor = createExecutor(graph, options);
    const id = nextId++;
    models.set(id, executor);
    return {
      id, url, description: graph.description, inputShape: executor.inputShape,
      outputs: graph.outputs.map((t) => ({ name: graph.tensors[t]!.name, shape: graph.tensors[t]!.shape })),
      operators: graph.operators.length, steps: executor.stepCount, loadMs: performance.now() - start,
    };
  },

  async run(id, input) {
    const start = performance.now();
    const outputs = model(id).run(input);
    const result: RunResult = { outputs, ms: performance.now() - start };
    return Comlink.transfer(result, outputs.map((o) => o.buffer));
  },

  async bench(id, input, runs, warmup) {
    const m = model(id);
    // The plan copies a Float32Array into its input buffer; the reference executor takes a tensor.
    const tensor = m instanceof PlanExecutor ? null : tf.tensor(input, m.inputShape);
    const x = tensor ?? input;
    try {
      for (let i = 0; i < warmup; i++) m.run(x);
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        m.run(x);
        ms.push(performance.now() - t0);
      }
      m.startProfile();
      for (let i = 0; i < Math.min(runs, 20); i++) m.run(x);
      return { ms, ops: m.stopProfile() };
    } finally {
      tensor?.dispose();
    }
  },

  async disposeModel(id) {
    model(id).dispose();
    models.delete(id);
  },

  async numTensors() {
    return tf.memory().numTensors;
  },

  async memoryInfo() {
    const { numTensors, numBytes } = tf.memory();
    const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
    return { numTensors, numBytes, wasmHeapBytes: heap ? heap.buffer.byteLength : null, framesHeld: loop?.held ?? 0, framesDropped: loop?.dropped ?? 0 };
  },

  async createPipeline(urls, options, onProgress) {
    let next: PipelineSession;
    try {
      next = await PipelineSession.load(urls, options, onProgress);
    } finally {
      releaseProgress(onProgress);
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
      // Transferred bitmaps and frames are ours now: free their memory at once, not at GC.
      if ('close' in frame && typeof frame.close === 'function') frame.close();
    }
  },

  async processUrl(url) {
    const bitmap = await fetchImage(url);
    try {
      const result = await pipelineSession().process(bitmap, { stillImage: true });
      painter?.draw(result);
      return Comlink.transfer(result, resultBuffers(result));
    } finally {
      bitmap.close();
    }
  },

  async resetPipeline() {
    pipelineSession().pipeline.reset();
  },

  async disposePipeline() {
    session?.dispose();
    session = undefined;
  },

  async startStream(listener, readable) {
    loop?.stop();
    const current = new FrameLoop(pipelineSession, listener);
    current.painter = painter;
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

  async setOverlayTexture(url, options) {
    if (options?.backend) textureBackend = options.backend;
    // Premultiplied: how WebGL blends it onto the (premultiplied) canvas.
    const next = url ? await fetchImage(url, { premultiplyAlpha: 'premultiply', colorSpaceConversion: 'default' }) : null;
    overlayTexture?.close();
    overlayTexture = next;
    syncPainter();
  },
};

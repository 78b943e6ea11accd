/**
 * Google's LiteRT.js (@litertjs/core, wasm CPU path, one thread) as a speed anchor for the
 * benchmarks: the same .tflite files and the same input through it and through our runtime, in the
 * same page, one after the other. It cannot run the attention model (its custom op
 * Landmarks2TransformMatrix is not in LiteRT.js), and a model it cannot prepare still "runs" and
 * returns zeros or stale memory, so what it prints and its outputs are checked, and compared with ours.
 */
import * as Comlink from 'comlink';
import type { ModelInfo, WorkerApi } from '../../src/index.js';
import type { ExecutorOptions } from '@face-mesh/tflite/types';
import { MODEL_URLS, PLAIN_MESH_URL } from '../../test/spawn.js';

/** The package's wasm folder, served by the dev server like tfjs' (test/spawn.ts WASM_BASE). */
export const LITERT_WASM_DIR = '/node_modules/@litertjs/core/wasm/';
/** The same string the worker posts once it listens (it cannot import this module: it is a classic script). */
const READY = 'litert-worker-ready';

export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: string;
}

export interface LiteRtModelInfo {
  id: number;
  url: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  loadMs: number;
  /** What the wasm module printed while loading the model (why it could not be prepared, if so). */
  messages: string[];
}

/** What the LiteRT.js worker exposes through Comlink. */
export interface LiteRtWorkerApi {
  /** Load the single-threaded wasm build from `wasmDir`; resolves with the file it picked. */
  init(wasmDir: string): Promise<{ file: string }>;
  /** loadAndCompile on the wasm accelerator, one CPU thread. */
  load(url: string): Promise<LiteRtModelInfo>;
  /** One inference; outputs in the model's output order. */
  run(id: number, input: Float32Array): Promise<{ outputs: Float32Array[]; ms: number; messages: string[] }>;
  /** Wall time of each of `runs` inferences (after `warmup`), outputs read back each time. */
  bench(id: number, input: Float32Array, runs: number, warmup: number): Promise<number[]>;
  dispose(id: number): Promise<void>;
}

export interface AnchorModel {
  name: string;
  url: string;
  /** Square input side (the models take size x size x 3). */
  size: number;
}

export const ANCHOR_MODELS: readonly AnchorModel[] = [
  { name: 'mesh (plain, face_landmark)', url: PLAIN_MESH_URL, size: 192 },
  { name: 'detector (BlazeFace short range)', url: MODEL_URLS.detector, size: 128 },
  { name: 'mesh (attention, face_landmark_with_attention)', url: MODEL_URLS.mesh, size: 192 },
];

export interface OutputAgreement {
  name: string;
  /** Largest |ours - LiteRT.js| over the output's elements. */
  maxAbsDiff: number;
  /** Largest |ours|, for scale. */
  maxAbs: number;
}

export interface AnchorResult {
  model: string;
  url: string;
  /** Our runtime's ms per inference (api.bench, outputs read back). */
  oursMs: number[];
  /** LiteRT.js's ms per inference, or null when it cannot run the model. */
  liteRtMs: number[] | null;
  runnable: boolean;
  /** Why LiteRT.js cannot run it. */
  reason?: string;
  /** Per output, matched by name, on the same input; empty when not runnable. */
  outputs: OutputAgreement[];
  /** Largest of the outputs' maxAbsDiff, or null when not runnable. */
  maxAbsDiff: number | null;
}

/** Start the classic worker and wait until it listens. */
export async function spawnLiteRt(): Promise<{ api: Comlink.Remote<LiteRtWorkerApi>; worker: Worker; file: string }> {
  // (classic: `type` left out on purpose, see worker.ts)
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  try {
    await new Promise<void>((resolve, reject) => {
      worker.addEventListener('message', (e) => { if (e.data === READY) resolve(); });
      worker.addEventListener('error', (e) => reject(new Error(`The LiteRT.js worker failed to start: ${e.message}`)), { once: true });
    });
    const api = Comlink.wrap<LiteRtWorkerApi>(worker);
    const { file } = await api.init(LITERT_WASM_DIR);
    return { api, worker, file };
  } catch (e) {
    worker.terminate();
    throw e;
  }
}

/** The installed @litertjs/core version, from its package.json. */
export async function liteRtVersion(): Promise<string> {
  const res = await fetch('/node_modules/@litertjs/core/package.json');
  return ((await res.json()) as { version: string }).version;
}

function agreement(names: string[], ours: Float32Array[], theirs: Float32Array[], theirNames: string[]): OutputAgreement[] {
  return names.map((name, k) => {
    // Matched by tensor name; by position when the names differ.
    const j = theirNames.includes(name) ? theirNames.indexOf(name) : k;
    const a = ours[k]!;
    const b = theirs[j];
    if (!b || b.length !== a.length) return { name, maxAbsDiff: Infinity, maxAbs: NaN };
    let maxAbsDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < a.length; i++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i]! - b[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
    }
    return { name, maxAbsDiff, maxAbs };
  });
}

/** Timed runs are split into this many alternating rounds (ours, LiteRT.js, ours, ...) so both see the same machine load. */
const ROUNDS = 4;

/**
 * Each model through our runtime (`ours`, already initialized) and through LiteRT.js, on
 * `input(size)`: outputs compared, then `runs` timed inferences each (after `warmup`), alternating.
 */
export async function runAnchor(
  ours: Comlink.Remote<WorkerApi>,
  litert: Comlink.Remote<LiteRtWorkerApi>,
  { runs, warmup, input, models = ANCHOR_MODELS, options }: { runs: number; warmup: number; input: (size: number) => Float32Array; models?: readonly AnchorModel[]; options?: ExecutorOptions },
): Promise<AnchorResult[]> {
  const results: AnchorResult[] = [];
  for (const { name, url, size } of models) {
    const x = input(size);
    const mine = await ours.loadModel(url, options);
    try {
      results.push(await compareOne(ours, mine, litert, x, { name, url, runs, warmup }));
    } finally {
      await ours.disposeModel(mine.id);
    }
  }
  return results;
}

async function compareOne(
  ours: Comlink.Remote<WorkerApi>,
  mine: ModelInfo,
  litert: Comlink.Remote<LiteRtWorkerApi>,
  x: Float32Array,
  { name, url, runs, warmup }: { name: string; url: string; runs: number; warmup: number },
): Promise<AnchorResult> {
  const oursOut = (await ours.run(mine.id, x)).outputs;
  const notRunnable = async (reason: string): Promise<AnchorResult> => ({
    model: name, url, oursMs: (await ours.bench(mine.id, x, runs, warmup)).ms, liteRtMs: null, runnable: false, reason, outputs: [], maxAbsDiff: null,
  });
  let theirs: LiteRtModelInfo;
  try {
    theirs = await litert.load(url);
  } catch (e) {
    return notRunnable(`loadAndCompile failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const { outputs, messages } = await litert.run(theirs.id, x);
    // A model it cannot prepare fails at its first run, prints why, and still returns outputs
    // (zeros or whatever the arena held): its errors and all-zero outputs both mean "not run".
    const errors = [...theirs.messages, ...messages].filter((m) => /^ERROR/.test(m));
    const allZero = outputs.every((o) => o.every((v) => Math.abs(v) < 1e-30));
    if (errors.length > 0 || allZero) return notRunnable(errors.length > 0 ? errors.join(' ') : 'run() returns all-zero outputs');
    const outs = agreement(mine.outputs.map((o) => o.name), oursOut, outputs, theirs.outputs.map((o) => o.name));
    const oursMs: number[] = [];
    const liteRtMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const n = Math.ceil(runs / ROUNDS);
      const w = r === 0 ? warmup : 2;
      oursMs.push(...(await ours.bench(mine.id, x, n, w)).ms);
      liteRtMs.push(...(await litert.bench(theirs.id, x, n, w)));
    }
    return { model: name, url, oursMs, liteRtMs, runnable: true, outputs: outs, maxAbsDiff: Math.max(...outs.map((o) => o.maxAbsDiff)) };
  } finally {
    await litert.dispose(theirs.id);
  }
}

/**
 * The face pipeline in the current Node thread: tfjs-core on the wasm backend (SIMD binary, one
 * thread: parallelism comes from worker threads, see pool.ts), the model files read from disk, and
 * the worker runtime's PipelineSession, so results are exactly the browser worker's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFaceGeometryMetadata } from '@face-mesh/geometry';
import {
  PipelineSession,
  RuntimeError,
  initWasmBackend,
  parseModel,
  type FrameResult,
  type ModelGraph,
  type PipelineOptions,
  type RawFrame,
  type RuntimeMode,
} from '@face-mesh/worker-runtime';
import { MODEL_FILES } from '@face-mesh/worker-runtime/defaults';
import { modelDirectory, wasmDirectory } from './assets.js';
import { decodeImage } from './decode.js';

export interface FaceMeshOptions extends Partial<PipelineOptions> {
  /** Folder with the .tflite files (default: the repository's models/dist, or $FACE_MESH_MODELS). */
  models?: string;
  /** false: the plain 468-point face_landmark.tflite (MediaPipe's refineLandmarks: false). Default true. */
  refine?: boolean;
}

/** How a frame goes through the pipeline. */
export interface ProcessOptions {
  /** A one-off still image: detector, no tracking, tracked faces untouched. */
  stillImage?: boolean;
  /** Capture time in ms, for smoothing (default: now). */
  timestampMs?: number;
}

async function readModel(file: string): Promise<ModelGraph> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new RuntimeError('model-load-failed', `Could not read the model ${file}: ${(e as Error).message}. Run \`npm install\` (it extracts the models into models/dist) or pass the folder holding them.`);
  }
  try {
    return parseModel(new Uint8Array(bytes).buffer);
  } catch (e) {
    throw new RuntimeError('model-load-failed', `The model ${file} (${bytes.byteLength} bytes) is not a usable TFLite file: ${(e as Error).message}`);
  }
}

async function startBackend(): Promise<RuntimeMode> {
  const wasmBase = wasmDirectory();
  try {
    const mode = await initWasmBackend({ wasmBase, threads: 'off' });
    return { ...mode, note: 'Node: one wasm thread per worker thread.' };
  } catch (e) {
    throw new RuntimeError('wasm-load-failed', `The tfjs wasm backend did not start from ${wasmBase}: ${(e as Error).message}`);
  }
}

export class FaceMesh {
  private constructor(
    private readonly session: PipelineSession,
    /** The wasm binary and thread count in use. */
    readonly mode: RuntimeMode,
  ) {}

  /** Starts the wasm backend (once per thread) and loads both models. */
  static async create(options: FaceMeshOptions = {}): Promise<FaceMesh> {
    const { models, refine = true, ...pipelineOptions } = options;
    const dir = modelDirectory(models);
    const mode = await startBackend();
    const [detector, mesh, geometryBytes] = await Promise.all([
      readModel(path.join(dir, MODEL_FILES.detector)),
      readModel(path.join(dir, refine ? MODEL_FILES.mesh : MODEL_FILES.plainMesh)),
      pipelineOptions.transform ? readFile(path.join(dir, MODEL_FILES.geometry)) : Promise.resolve(null),
    ]);
    const geometry = geometryBytes ? parseFaceGeometryMetadata(geometryBytes) : null;
    return new FaceMesh(PipelineSession.fromModels({ detector, mesh, geometry }, pipelineOptions), mode);
  }

  /** One frame of RGBA pixels (e.g. from decodeImage). */
  process(frame: RawFrame, options?: ProcessOptions): Promise<FrameResult> {
    return this.session.process(frame, options);
  }

  /** Decode an image file and process it (a still image unless `stillImage: false`). */
  async processFile(file: string, options: ProcessOptions = {}): Promise<FrameResult> {
    return this.process(await decodeImage(file), { stillImage: true, ...options });
  }

  setOptions(options: Partial<PipelineOptions>): PipelineOptions {
    this.session.pipeline.setOptions(options);
    return this.session.pipeline.getOptions();
  }

  getOptions(): PipelineOptions {
    return this.session.pipeline.getOptions();
  }

  /** Forget tracked faces: the next frame starts from the detector. */
  reset(): void {
    this.session.pipeline.reset();
  }

  dispose(): void {
    this.session.dispose();
  }
}

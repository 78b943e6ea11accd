/**
 * Typed wrappers over the executor for our two model families: the face mesh (with or without
 * attention) and the BlazeFace short-range detector. They check the graph's signature at load and
 * name the outputs, so the pipeline never indexes raw output arrays.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { sigmoid } from '@face-mesh/geometry';
import { createExecutor, type ExecutorOptions, type ModelExecutor, type ModelGraph } from '@face-mesh/tflite';

const sizeOf = (g: ModelGraph, t: number): number => g.tensors[t]!.shape.reduce((a, b) => a * b, 1);

function expectSignature(g: ModelGraph, what: string, input: number[], outputSizes: number[][]): number[] {
  const inShape = g.tensors[g.inputs[0]!]?.shape ?? [];
  if (g.inputs.length !== 1 || inShape.join() !== input.join()) {
    throw new Error(`${what}: expected one input [${input}], found [${inShape}]`);
  }
  const sizes = g.outputs.map((t) => sizeOf(g, t));
  if (!outputSizes.some((s) => s.join() === sizes.join())) {
    throw new Error(`${what}: unexpected outputs (sizes ${sizes.join(', ')})`);
  }
  return sizes;
}

/** The face flag's logit to a probability (one definition, in geometry). */
export { sigmoid };

/**
 * The mesh model's outputs, px192 (pixels of the 192x192 input). Flat, and structurally the
 * pipeline's MeshRawOutputs. For face_landmark.tflite (no attention) the region arrays are empty.
 */
export interface MeshResult {
  /** 468 x (x, y, z). */
  mesh: Float32Array;
  /** 80 x (x, y). */
  lips: Float32Array;
  /** 71 x (x, y), from output `output_left_eye`. */
  leftEye: Float32Array;
  /** 71 x (x, y). */
  rightEye: Float32Array;
  /** 5 x (x, y). */
  leftIris: Float32Array;
  /** 5 x (x, y). */
  rightIris: Float32Array;
  /** Face-presence logit. */
  faceFlag: number;
  /** sigmoid(faceFlag): face-presence probability. */
  faceScore: number;
}

const ATTENTION_SIZES = [1404, 160, 142, 142, 10, 10, 1];
const PLAIN_SIZES = [1404, 1];

/** face_landmark_with_attention.tflite (7 outputs) or face_landmark.tflite (mesh + flag). */
export class MeshModel {
  static readonly INPUT_SHAPE = [1, 192, 192, 3];
  readonly executor: ModelExecutor;
  readonly hasAttention: boolean;

  constructor(graph: ModelGraph, options?: ExecutorOptions) {
    const sizes = expectSignature(graph, 'face mesh model', MeshModel.INPUT_SHAPE, [ATTENTION_SIZES, PLAIN_SIZES]);
    this.hasAttention = sizes.length === ATTENTION_SIZES.length;
    this.executor = createExecutor(graph, options);
  }

  /** Where to write the input in place (the plan executor), or null. */
  get inputByteOffset(): number | null {
    return this.executor.inputByteOffset ?? null;
  }

  /** `input`: [1,192,192,3] RGB in [0, 1]; omitted: what was written at inputByteOffset. */
  run(input?: tf.Tensor | Float32Array): MeshResult {
    const out = this.executor.run(input);
    // Output order is SubGraph.outputs (docs/pipeline.md §1.2): mesh, lips, left eye, right eye, left iris, right iris, flag.
    const faceFlag = out[out.length - 1]![0]!;
    const none = new Float32Array(0);
    const [mesh, lips = none, leftEye = none, rightEye = none, leftIris = none, rightIris = none] =
      this.hasAttention ? out : [out[0]!];
    return { mesh: mesh!, lips, leftEye, rightEye, leftIris, rightIris, faceFlag, faceScore: sigmoid(faceFlag) };
  }

  dispose(): void {
    this.executor.dispose();
  }
}

export interface DetectorResult {
  /** 896 anchors x 16 (box cx, cy, w, h, then 6 keypoints x/y), px128 offsets. */
  regressors: Float32Array;
  /** 896 score logits. */
  scores: Float32Array;
}

/** face_detection_short_range.tflite. */
export class DetectorModel {
  static readonly INPUT_SHAPE = [1, 128, 128, 3];
  static readonly ANCHORS = 896;
  readonly executor: ModelExecutor;
  private readonly regressorsIndex: number;

  constructor(graph: ModelGraph, options?: ExecutorOptions) {
    const n = DetectorModel.ANCHORS;
    const sizes = expectSignature(graph, 'face detector model', DetectorModel.INPUT_SHAPE, [[n * 16, n], [n, n * 16]]);
    // The file lists regressors first (docs/pipeline.md §1.5); go by size so a re-export with swapped outputs still works.
    this.regressorsIndex = sizes[0] === n * 16 ? 0 : 1;
    this.executor = createExecutor(graph, options);
  }

  /** Where to write the input in place (the plan executor), or null. */
  get inputByteOffset(): number | null {
    return this.executor.inputByteOffset ?? null;
  }

  /** `input`: [1,128,128,3] RGB in [-1, 1]; omitted: what was written at inputByteOffset. */
  run(input?: tf.Tensor | Float32Array): DetectorResult {
    const out = this.executor.run(input);
    return { regressors: out[this.regressorsIndex]!, scores: out[1 - this.regressorsIndex]! };
  }

  dispose(): void {
    this.executor.dispose();
  }
}

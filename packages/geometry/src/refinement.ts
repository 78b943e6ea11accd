/**
 * Attention Mesh outputs -> the 478 refined landmarks (MediaPipe `LandmarksRefinementCalculator` with
 * tensors_to_face_landmarks_with_attention.pbtxt, after `TensorsToLandmarksCalculator` divides by 192).
 * The six groups are applied in order onto 478 zero landmarks: the mesh writes x, y, z; lips and eyes
 * overwrite x, y only; each iris gets x, y and, for z, the mean mesh z of its 16 eyelid points.
 * Index lists copied from the pbtxt (docs/pipeline.md §4); element i of a head goes to index list[i].
 */
import { MESH_INPUT_SIZE, NUM_MESH_LANDMARKS, NUM_REFINED_LANDMARKS } from './constants.js';

export const LIPS_INDICES: readonly number[] = [
  61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409,
  78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415,
  76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408,
  62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407,
];

export const LEFT_EYE_INDICES: readonly number[] = [
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110, 24,
  23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31, 228, 229, 230, 231, 232, 233,
  244, 113, 225, 224, 223, 222, 221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120,
  121, 128, 245, 156, 70, 63, 105, 66, 107, 55, 193,
];

export const RIGHT_EYE_INDICES: readonly number[] = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339, 254,
  253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414, 446, 261, 448, 449, 450, 451, 452, 453,
  464, 342, 445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349,
  350, 357, 465, 383, 300, 293, 334, 296, 336, 285, 417,
];

export const LEFT_IRIS_INDICES: readonly number[] = [
  468, 469, 470, 471, 472,
];

export const RIGHT_IRIS_INDICES: readonly number[] = [
  473, 474, 475, 476, 477,
];

export const LEFT_IRIS_Z_AVERAGE_INDICES: readonly number[] = [
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
];

export const RIGHT_IRIS_Z_AVERAGE_INDICES: readonly number[] = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
];

export type ZRefinement = { type: 'copy' } | { type: 'none' } | { type: 'assign_average'; indexesForAverage: readonly number[] };

export type MeshOutputName = 'mesh' | 'lips' | 'leftEye' | 'rightEye' | 'leftIris' | 'rightIris';

export interface RefinementGroup {
  /** Key in MeshOutputs. */
  output: MeshOutputName;
  /** Model tensor name. */
  tensor: string;
  /** Values per landmark in the model output (3 for the mesh, 2 for the heads). */
  dims: 2 | 3;
  indexesMapping: readonly number[];
  z: ZRefinement;
}

const MESH_IDENTITY: readonly number[] = Array.from({ length: NUM_MESH_LANDMARKS }, (_, i) => i);

/** The six groups, in the order they are applied. */
export const REFINEMENT_GROUPS: readonly RefinementGroup[] = [
  { output: 'mesh', tensor: 'output_mesh_identity', dims: 3, indexesMapping: MESH_IDENTITY, z: { type: 'copy' } },
  { output: 'lips', tensor: 'output_lips', dims: 2, indexesMapping: LIPS_INDICES, z: { type: 'none' } },
  { output: 'leftEye', tensor: 'output_left_eye', dims: 2, indexesMapping: LEFT_EYE_INDICES, z: { type: 'none' } },
  { output: 'rightEye', tensor: 'output_right_eye', dims: 2, indexesMapping: RIGHT_EYE_INDICES, z: { type: 'none' } },
  {
    output: 'leftIris',
    tensor: 'output_left_iris',
    dims: 2,
    indexesMapping: LEFT_IRIS_INDICES,
    z: { type: 'assign_average', indexesForAverage: LEFT_IRIS_Z_AVERAGE_INDICES },
  },
  {
    output: 'rightIris',
    tensor: 'output_right_iris',
    dims: 2,
    indexesMapping: RIGHT_IRIS_INDICES,
    z: { type: 'assign_average', indexesForAverage: RIGHT_IRIS_Z_AVERAGE_INDICES },
  },
];

/** Raw Attention Mesh outputs in px192 (flattened tensors): mesh 1404, lips 160, eyes 142, irises 10. */
export type MeshOutputs = Readonly<Record<MeshOutputName, Float32Array>>;

/**
 * Refine the six heads into 478 interleaved (x, y, z) landmarks, normalized to the crop (x, y and z
 * all divided by the input size, normalize_z 1.0). Throws if a head has the wrong size (MediaPipe
 * outputs nothing when a group is missing).
 */
export function refineLandmarks(
  outputs: MeshOutputs,
  inputSize: number = MESH_INPUT_SIZE,
  out: Float32Array = new Float32Array(NUM_REFINED_LANDMARKS * 3),
): Float32Array {
  if (out.length !== NUM_REFINED_LANDMARKS * 3) throw new Error(`refineLandmarks: output length ${out.length}`);
  out.fill(0);
  for (const group of REFINEMENT_GROUPS) {
    const src = outputs[group.output];
    const map = group.indexesMapping;
    const { dims, z } = group;
    if (!src || src.length !== map.length * dims) {
      throw new Error(`refineLandmarks: ${group.tensor} has ${src?.length} values, expected ${map.length * dims}`);
    }
    for (let i = 0; i < map.length; i++) {
      const o = 3 * map[i];
      out[o] = src[i * dims] / inputSize;
      out[o + 1] = src[i * dims + 1] / inputSize;
      if (z.type === 'copy') out[o + 2] = src[i * dims + 2] / inputSize;
    }
    if (z.type === 'assign_average') {
      let sum = 0;
      for (const j of z.indexesForAverage) sum += out[3 * j + 2];
      const mean = sum / z.indexesForAverage.length;
      for (const j of map) out[3 * j + 2] = mean;
    }
  }
  return out;
}

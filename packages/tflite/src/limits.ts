/**
 * The budgets that bound what a model file can make us do. A .tflite file may come from anywhere,
 * so its sizes are checked against these before anything is allocated: the parser refuses deeper or
 * larger structures, the graph check refuses larger tensors, and the custom ops check their output
 * sizes. One module, imported by all of them (and by nothing else it would import back).
 */

/** No model we run is near this (the largest is 2.5 MB). */
export const MAX_MODEL_BYTES = 64 << 20;

/** Highest tensor rank accepted (TFLite kernels go up to 6; ours use 4). */
export const MAX_RANK = 8;

/** Largest dimension accepted in a shape (2^24: far above any image or feature map). */
export const MAX_DIMENSION = 1 << 24;

/** Custom options are a map of scalars and vectors (depth 2); nothing legitimate nests this deep. */
export const MAX_FLEX_DEPTH = 16;

/** Largest tensor a model may make: 2^24 values (64 MB of float32; the largest in our models is 0.4 M). */
export const MAX_TENSOR_ELEMENTS = 1 << 24;

/**
 * All run-time tensors of a model together (values; each is freed after its last reader, so the
 * peak is far lower): 2^26, 256 MB of float32. The attention mesh model declares 5.1 M.
 */
export const MAX_PLAN_ELEMENTS = 1 << 26;

/** The values of a tensor of `shape`: what the element budgets count. */
export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

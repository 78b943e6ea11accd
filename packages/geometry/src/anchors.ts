import {
  DETECTOR_ANCHOR_OFFSET,
  DETECTOR_ANCHOR_STRIDES,
  DETECTOR_ANCHORS_PER_LAYER,
  DETECTOR_INPUT_SIZE,
} from './constants.js';

/**
 * SSD anchors of BlazeFace short range (MediaPipe `SsdAnchorsCalculator` with the options of
 * face_detection_short_range.pbtxt). With `fixed_anchor_size` every anchor is 1x1, so the scales
 * drop out and only the centres matter.
 */
export interface AnchorOptions {
  inputSize: number;
  /** One stride per layer; consecutive layers with the same stride share a feature map. */
  strides: readonly number[];
  /** Anchors per cell contributed by each layer (aspect ratio 1.0 plus the interpolated one). */
  anchorsPerLayer: number;
  offset: number;
}

export const SHORT_RANGE_ANCHORS: AnchorOptions = {
  inputSize: DETECTOR_INPUT_SIZE,
  strides: DETECTOR_ANCHOR_STRIDES,
  anchorsPerLayer: DETECTOR_ANCHORS_PER_LAYER,
  offset: DETECTOR_ANCHOR_OFFSET,
};

/** Anchor centres as interleaved (x, y) pairs, normalized to [0, 1]; order: layer group, y, x, anchor. */
export function generateAnchors(options: AnchorOptions = SHORT_RANGE_ANCHORS): Float32Array {
  const { inputSize, strides, anchorsPerLayer, offset } = options;
  const centres: number[] = [];
  let layer = 0;
  while (layer < strides.length) {
    const stride = strides[layer];
    let repeats = 0;
    while (layer < strides.length && strides[layer] === stride) {
      repeats += anchorsPerLayer;
      layer++;
    }
    const size = Math.ceil(inputSize / stride);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let a = 0; a < repeats; a++) centres.push((x + offset) / size, (y + offset) / size);
      }
    }
  }
  return Float32Array.from(centres);
}

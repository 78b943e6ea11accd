/**
 * The weights of our own convolution kernels (packages/tflite/assembly/depthwise.ts, conv_full.ts) in
 * the order those kernels read them, and TFLite's padding rule. Pure: the plan step copies the result
 * into the backend's memory, the Node tests feed it to the kernels directly.
 */

/** Floats per 4-channel block of a packed 3x3 depthwise filter: bias, 9 taps, PReLU slopes (11 x 4 floats). */
export const DEPTHWISE_BLOCK_FLOATS = 44;

/**
 * A 3x3 depthwise filter, TFLite's [1,3,3,C] (multiplier 1), packed per block of 4 channels (zeros
 * past C): bias, then the taps with kx outer and ky inner (the order the kernel sums them), then the
 * PReLU slopes (zeros when there are none).
 */
export function packDepthwise3x3(filter: ArrayLike<number>, bias: ArrayLike<number> | null, alpha: ArrayLike<number> | null, channels: number): Float32Array {
  const blocks = Math.ceil(channels / 4);
  const out = new Float32Array(blocks * DEPTHWISE_BLOCK_FLOATS);
  for (let c = 0; c < channels; c++) {
    const at = (c >> 2) * DEPTHWISE_BLOCK_FLOATS + (c & 3);
    out[at] = bias ? bias[c]! : 0;
    for (let kx = 0; kx < 3; kx++) {
      for (let ky = 0; ky < 3; ky++) out[at + 4 * (1 + kx * 3 + ky)] = filter[(ky * 3 + kx) * channels + c]!;
    }
    out[at + 40] = alpha ? alpha[c]! : 0;
  }
  return out;
}

/**
 * A full conv filter, TFLite's OHWI [O,kh,kw,I], packed per block of 8 output channels (zeros past O):
 * bias (8), PReLU slopes (8, zeros when none), then for ky, kx, ic the block's 8 weights.
 */
export function packFullConv(filter: ArrayLike<number>, bias: ArrayLike<number> | null, alpha: ArrayLike<number> | null, shape: readonly number[]): Float32Array {
  const [outChannels, kh, kw, inChannels] = shape as [number, number, number, number];
  const taps = kh * kw * inChannels;
  const blockFloats = 16 + taps * 8;
  const out = new Float32Array(Math.ceil(outChannels / 8) * blockFloats);
  for (let oc = 0; oc < outChannels; oc++) {
    const at = (oc >> 3) * blockFloats + (oc & 7);
    out[at] = bias ? bias[oc]! : 0;
    out[at + 8] = alpha ? alpha[oc]! : 0;
    for (let t = 0; t < taps; t++) out[at + 16 + t * 8] = filter[oc * taps + t]!;
  }
  return out;
}

/** TFLite's padding: the output size and the padding before (top or left) along one axis. */
export function windowPadding(size: number, kernel: number, stride: number, padding: 'SAME' | 'VALID'): { out: number; before: number } {
  if (padding === 'VALID') return { out: Math.floor((size - kernel) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) };
}

/**
 * The weights of our own convolution kernels (packages/tflite/assembly/depthwise.ts, conv_full.ts) in
 * the order those kernels read them, and TFLite's padding rule. Pure: the plan step copies the result
 * into the backend's memory, the Node tests feed it to the kernels directly.
 */

/** Floats per 4-channel block of a packed 3x3 depthwise filter: bias, 9 taps, PReLU slopes (11 x 4 floats). */
export const DEPTHWISE_BLOCK_FLOATS = 44;

/**
 * The first channel of each block of `width` channels a kernel computes: blocks at 0, width, 2 width...,
 * and, when `channels` is not a multiple of `width`, a last block ending at the last channel
 * (overlapping the one before, whose values it writes again), so that every block is whole; only
 * fewer than `width` channels in all leave a partial block (at 0).
 */
export function channelBlocks(channels: number, width: number): number[] {
  const starts = Array.from({ length: Math.floor(channels / width) }, (_, b) => b * width);
  if (channels % width) starts.push(Math.max(0, channels - width));
  return starts;
}

/**
 * A 3x3 depthwise filter, TFLite's [1,3,3,C] (multiplier 1), packed per block of 4 channels
 * (channelBlocks; zeros past C): bias, then the taps with kx outer and ky inner (the order the kernel
 * sums them), then the PReLU slopes (zeros when there are none).
 */
export function packDepthwise3x3(filter: ArrayLike<number>, bias: ArrayLike<number> | null, alpha: ArrayLike<number> | null, channels: number): Float32Array {
  const blocks = channelBlocks(channels, 4);
  const out = new Float32Array(blocks.length * DEPTHWISE_BLOCK_FLOATS);
  blocks.forEach((start, b) => {
    for (let c = start; c < Math.min(start + 4, channels); c++) {
      const at = b * DEPTHWISE_BLOCK_FLOATS + c - start;
      out[at] = bias ? bias[c]! : 0;
      for (let kx = 0; kx < 3; kx++) {
        for (let ky = 0; ky < 3; ky++) out[at + 4 * (1 + kx * 3 + ky)] = filter[(ky * 3 + kx) * channels + c]!;
      }
      out[at + 40] = alpha ? alpha[c]! : 0;
    }
  });
  return out;
}

/**
 * A full conv filter, TFLite's OHWI [O,kh,kw,I], packed per block of 8 output channels (channelBlocks;
 * zeros past O): bias (8), PReLU slopes (8, zeros when none), then for ky, kx, ic the block's 8 weights.
 */
export function packFullConv(filter: ArrayLike<number>, bias: ArrayLike<number> | null, alpha: ArrayLike<number> | null, shape: readonly number[]): Float32Array {
  const [outChannels, kh, kw, inChannels] = shape as [number, number, number, number];
  const taps = kh * kw * inChannels;
  const blockFloats = 16 + taps * 8;
  const blocks = channelBlocks(outChannels, 8);
  const out = new Float32Array(blocks.length * blockFloats);
  blocks.forEach((start, b) => {
    for (let oc = start; oc < Math.min(start + 8, outChannels); oc++) {
      const at = b * blockFloats + oc - start;
      out[at] = bias ? bias[oc]! : 0;
      out[at + 8] = alpha ? alpha[oc]! : 0;
      for (let t = 0; t < taps; t++) out[at + 16 + t * 8] = filter[oc * taps + t]!;
    }
  });
  return out;
}

/** TFLite's padding: the output size and the padding before (top or left) along one axis. */
export function windowPadding(size: number, kernel: number, stride: number, padding: 'SAME' | 'VALID'): { out: number; before: number } {
  if (padding === 'VALID') return { out: Math.floor((size - kernel) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2) };
}

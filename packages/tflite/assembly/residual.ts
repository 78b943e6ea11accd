// AssemblyScript source of our own WebAssembly SIMD kernels, compiled by `npm run build:kernels`
// (tools/build-kernels.mjs) into a module that imports the tfjs wasm backend's memory, so it works
// on the backend's tensors in place. Pointers are byte offsets into that memory.
//
// The residual epilogue of both models' blocks in one pass over memory:
//   out[p, c] = act(y[p, c] + (c < xChannels ? x[p, c] : 0))
// for p < pixels, c < channels. `x` is the block's shortcut with xChannels <= channels channels: when
// it has fewer, this is TFLite's PAD (zeros appended to the channel axis) + ADD, without materializing
// the padded tensor. act is none, RELU (max(v, 0)) or PReLU (v >= 0 ? v : alpha[c] * v), per TFLite.
// tfjs runs the same as PAD, ADD and PRELU kernels: three passes and two intermediate tensors.

const NONE: i32 = 0;
const RELU: i32 = 1;
const PRELU: i32 = 2;

@inline function activate4(v: v128, alpha: usize, c: i32, mode: i32): v128 {
  if (mode == RELU) return f32x4.max(v, f32x4.splat(0));
  if (mode == PRELU) {
    const scaled = f32x4.mul(v, v128.load(alpha + (<usize>c << 2)));
    return v128.bitselect(v, scaled, f32x4.ge(v, f32x4.splat(0)));
  }
  return v;
}

@inline function activate1(v: f32, alpha: usize, c: i32, mode: i32): f32 {
  if (mode == RELU) return v > 0 ? v : 0;
  if (mode == PRELU) return v >= 0 ? v : load<f32>(alpha + (<usize>c << 2)) * v;
  return v;
}

@inline function residual(x: usize, xChannels: i32, y: usize, out: usize, alpha: usize, pixels: i32, channels: i32, mode: i32): void {
  const xStride = <usize>xChannels << 2;
  const yStride = <usize>channels << 2;
  for (let p = 0; p < pixels; p++) {
    let c = 0;
    for (; c + 4 <= xChannels; c += 4) {
      const o = <usize>c << 2;
      v128.store(out + o, activate4(f32x4.add(v128.load(x + o), v128.load(y + o)), alpha, c, mode));
    }
    for (; c < xChannels; c++) {
      const o = <usize>c << 2;
      store<f32>(out + o, activate1(load<f32>(x + o) + load<f32>(y + o), alpha, c, mode));
    }
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      v128.store(out + o, activate4(v128.load(y + o), alpha, c, mode));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      store<f32>(out + o, activate1(load<f32>(y + o), alpha, c, mode));
    }
    x += xStride;
    y += yStride;
    out += yStride;
  }
}

/** Residual add, no activation. */
export function residualAdd(x: usize, xChannels: i32, y: usize, out: usize, pixels: i32, channels: i32): void {
  residual(x, xChannels, y, out, 0, pixels, channels, NONE);
}

/** Residual add + RELU. */
export function residualAddRelu(x: usize, xChannels: i32, y: usize, out: usize, pixels: i32, channels: i32): void {
  residual(x, xChannels, y, out, 0, pixels, channels, RELU);
}

/** Residual add + PReLU with per-channel slopes `alpha` (channels floats). */
export function residualAddPrelu(x: usize, xChannels: i32, y: usize, out: usize, alpha: usize, pixels: i32, channels: i32): void {
  residual(x, xChannels, y, out, alpha, pixels, channels, PRELU);
}

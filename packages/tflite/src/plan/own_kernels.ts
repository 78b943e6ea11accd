/**
 * Our own wasm kernels (packages/worker-runtime/assembly/: the SIMD residual epilogue and the crop
 * sampler; compiled by `npm run build:kernels`), attached to the tfjs wasm backend's memory so they
 * read and write its buffers in place. When they cannot be attached (no memory exposed, a browser
 * refusing the module) the plan runs on tfjs' own kernels and the sampler in TypeScript, and says why.
 */
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.js';

/**
 * out[p, c] = act(y[p, c] + (c < xChannels ? x[p, c] : 0)), p < pixels, c < channels; pointers are
 * byte offsets in the backend's memory; `alpha` points at `channels` PReLU slopes.
 */
export interface OwnKernels {
  residualAdd(x: number, xChannels: number, y: number, out: number, pixels: number, channels: number): void;
  residualAddRelu(x: number, xChannels: number, y: number, out: number, pixels: number, channels: number): void;
  residualAddPrelu(x: number, xChannels: number, y: number, out: number, alpha: number, pixels: number, channels: number): void;
  /** pipeline/image_to_tensor.ts's imageToTensorData on RGBA bytes at `win`, floats written at `out` (assembly/crop_sampler.ts). */
  sampleCrop(
    win: number, winWidth: number, left: number, top: number, frameWidth: number, frameHeight: number,
    a: number, b: number, c: number, d: number, e: number, f: number,
    outWidth: number, outHeight: number, zeroBorder: number, scale: number, offset: number, out: number,
  ): void;
}

export type OwnKernelsResult = { kernels: OwnKernels; note?: undefined } | { kernels: null; note: string };

const attached = new WeakMap<WebAssembly.Memory, OwnKernelsResult>();
let turnedOff = false;

/** For the rest of this worker, attachOwnKernels reports the kernels as turned off (BackendOptions.ownKernels). */
export function turnOffOwnKernels(): void {
  turnedOff = true;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Attaches the kernels to `memory` (once per memory). `bytes` replaces the built module (tests of
 * the fallback).
 */
export function attachOwnKernels(memory: WebAssembly.Memory | null, bytes?: Uint8Array<ArrayBuffer>): OwnKernelsResult {
  if (turnedOff) return { kernels: null, note: 'turned off (ownKernels: false)' };
  if (!memory) return { kernels: null, note: 'the wasm backend does not expose its memory' };
  let result = bytes ? undefined : attached.get(memory);
  if (result) return result;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(bytes ?? decodeBase64(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const e = instance.exports as unknown as OwnKernels;
    result = { kernels: { residualAdd: e.residualAdd, residualAddRelu: e.residualAddRelu, residualAddPrelu: e.residualAddPrelu, sampleCrop: e.sampleCrop } };
  } catch (err) {
    result = { kernels: null, note: `our SIMD kernels could not be attached (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!bytes) attached.set(memory, result);
  return result;
}

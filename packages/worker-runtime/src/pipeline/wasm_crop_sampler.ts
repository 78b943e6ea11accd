/**
 * imageToTensorData (image_to_tensor.ts) run by our wasm kernel: the frame's RGBA (or BGRA) bytes are staged
 * once per frame in the backend's memory and sampled straight into the model's input buffer there
 * (no float array in between, no copy into the model). Identical values: same float64 operations.
 */
import type { Affine } from '@face-mesh/geometry';
import type { WasmBackendAccess } from '@face-mesh/tflite/types';
import type { CropKernel } from './crop_kernel.js';
import { isFrameWindow, type FrameWindow, type RgbaImage, type SampleOptions } from './image_to_tensor.js';
import { allOpaque } from './frame.js';

export class WasmCropSampler {
  private staging = 0;
  private stagingBytes = 0;
  /** The bytes currently staged (a frame is sampled once for the detector and once per face). */
  private staged: RgbaImage['data'] | null = null;
  /** A view of the staging buffer handed out by frameBuffer() for the next frame's bytes. */
  private received: Uint8Array | null = null;

  constructor(private readonly wasm: WasmBackendAccess, private readonly kernels: CropKernel) {}

  /**
   * A buffer in the backend's memory for the next frame's RGBA bytes (VideoFrame.copyTo writes there
   * directly): sampling an image whose data is this view needs no staging copy.
   */
  frameBuffer(bytes: number): Uint8Array {
    this.reserve(bytes);
    this.received = new Uint8Array(this.wasm.module.HEAPU8.buffer, this.staging, bytes);
    return this.received;
  }

  /**
   * Whether every pixel of `data` has alpha 255 (readFrame's check of a frame copied in its own
   * byte order): in wasm for a frameBuffer() view, 10x faster than a loop in JavaScript.
   */
  opaque(data: Uint8Array): boolean {
    const heap = this.wasm.module.HEAPU8;
    if (data.buffer !== heap.buffer) return allOpaque(data);
    return this.kernels.allOpaque(data.byteOffset, data.length & ~3) === 1;
  }

  private reserve(bytes: number): void {
    if (bytes <= this.stagingBytes) return;
    if (this.staging) this.wasm.free(this.staging);
    this.staging = this.wasm.module._malloc(bytes);
    this.stagingBytes = this.staging ? bytes : 0;
    if (!this.staging) throw new Error(`could not allocate ${bytes} bytes for the frame`);
  }

  /** Samples `image` through `toSource` into `o.width x o.height x 3` floats at `outByteOffset`. */
  sample(image: RgbaImage | FrameWindow, toSource: Affine, o: SampleOptions, outByteOffset: number): void {
    const { width, height, data } = image;
    const frameWidth = isFrameWindow(image) ? image.frameWidth : width;
    const frameHeight = isFrameWindow(image) ? image.frameHeight : height;
    if (!(width > 0 && height > 0)) throw new Error(`Cannot sample a ${width}x${height} image.`);
    const bytes = width * height * 4;
    if (o.border === 'zero' && (width !== frameWidth || height !== frameHeight)) throw new Error('The zero border needs the whole frame.');
    // (The view from frameBuffer() may be detached by a memory growth since: its bytes are in place.)
    if (this.staged !== data) {
      if (data.length < bytes) throw new Error(`The RGBA buffer holds ${data.length} bytes; a ${width}x${height} image needs ${bytes}.`);
      this.reserve(bytes);
      this.wasm.module.HEAPU8.set(data.length === bytes ? data : data.subarray(0, bytes), this.staging);
      this.staged = data;
    }
    const left = isFrameWindow(image) ? image.left : 0;
    const top = isFrameWindow(image) ? image.top : 0;
    const [a, b, c, d, e, f] = toSource;
    this.kernels.sampleCrop(
      this.staging, width, left, top, frameWidth, frameHeight, a, b, c, d, e, f,
      o.width, o.height, o.border === 'zero' ? 1 : 0, o.scale, o.offset, outByteOffset, image.byteOrder === 'bgra' ? 1 : 0,
    );
  }

  /** A new frame starts: its bytes are in the frameBuffer() view if one was handed out for it, else not staged yet. */
  endFrame(): void {
    this.staged = this.received;
    this.received = null;
  }

  dispose(): void {
    if (this.staging) this.wasm.free(this.staging);
    this.staging = 0;
    this.stagingBytes = 0;
    this.staged = null;
    this.received = null;
  }
}

/**
 * Direct access to the tfjs wasm backend's module: its memory, its allocator, its tensor-id table and
 * its exported C kernels. The plan executor calls those kernels with ids it registered itself for
 * buffers it allocated once, instead of going through tfjs' kernel functions (which compute shapes,
 * allocate an output and wrap it in a tensor on every call).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A WebAssembly.Memory, as far as our declarations name it: the published typings must compile in a
 * Node project without the DOM library, which is where TypeScript declares WebAssembly's types.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

/** The Emscripten module behind tfjs-backend-wasm (the parts we use). */
export interface WasmModule {
  HEAPF32: Float32Array;
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void; getThreadsCount?(): number };
  /** The single-thread builds keep the memory among the instance's exports. */
  asm?: { memory?: WasmMemory };
  /** The threaded build creates a shared memory and keeps it here. */
  wasmMemory?: WasmMemory;
  [name: `_${string}`]: unknown;
}

/** A tfjs tensor as far as the backend's tables care (keeps tfjs out of this module's typings). */
export interface BackendTensor {
  dataId: object;
}

interface WasmBackendLike {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
}

export class WasmBackendAccess {
  readonly module: WasmModule;
  private readonly dataIdMap: WasmBackendLike['dataIdMap'];

  constructor() {
    const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
    if (tf.getBackend() !== 'wasm' || !backend.wasm || !backend.dataIdMap) {
      throw new Error(`the plan executor needs the wasm backend (current: ${tf.getBackend()})`);
    }
    this.module = backend.wasm;
    this.dataIdMap = backend.dataIdMap;
  }

  /** The backend's WebAssembly.Memory (for attaching our own kernels), or null when not exposed. */
  memory(): WasmMemory | null {
    return this.module.wasmMemory ?? this.module.asm?.memory ?? null;
  }

  /** The backend's tensor id of a tfjs tensor (constants the plan keeps as tensors). */
  idOf(t: BackendTensor): number {
    const entry = this.dataIdMap.get(t.dataId);
    if (!entry) throw new Error('tensor is not on the wasm backend');
    return entry.id;
  }

  /** Byte offset of a tfjs tensor's data in the backend's memory. */
  offsetOf(t: BackendTensor): number {
    const entry = this.dataIdMap.get(t.dataId);
    if (!entry) throw new Error('tensor is not on the wasm backend');
    return entry.memoryOffset;
  }

  /** A C kernel exported by the backend (e.g. 'FusedConv2D'). */
  kernel(name: string): (...args: number[]) => void {
    const f = this.module[`_${name}`];
    if (typeof f !== 'function') throw new Error(`the wasm backend exports no kernel ${name}`);
    return f as (...args: number[]) => void;
  }

  /**
   * On the threaded binary (shared memory), a function giving its XNNPACK pool's thread count now
   * (thread_pool.ts resizes it in place); null on the single-thread binaries.
   */
  poolSizeReader(): (() => number) | null {
    const memory = this.memory();
    const count = this.module.tfjs.getThreadsCount;
    if (!count || !memory || typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    return () => count();
  }

  /** Copies `values` into the heap (malloc'd; free with `free`), for int arrays kernels read by pointer. */
  int32s(values: readonly number[]): number {
    const p = this.module._malloc(Math.max(4, values.length * 4));
    this.module.HEAP32.set(values, p >> 2);
    return p;
  }

  /** Copies `values` into the heap (malloc'd; free with `free`): packed weights our kernels stream. */
  float32s(values: ArrayLike<number>, what: string): number {
    const p = this.module._malloc(Math.max(4, values.length * 4));
    if (!p) throw new Error(`could not allocate ${values.length * 4} bytes for ${what}`);
    this.module.HEAPF32.set(values, p >> 2);
    return p;
  }

  free(pointer: number): void {
    this.module._free(pointer);
  }
}

/**
 * Tensor ids we register with the backend for our buffers: far above the backend's own counter
 * (which counts up from 1 per tensor ever made), so the two never meet.
 */
let nextPlanTensorId = 0x40000000;
export function newPlanTensorId(): number {
  return nextPlanTensorId++;
}

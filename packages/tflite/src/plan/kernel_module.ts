/**
 * Attaching a wasm module of our own to the tfjs wasm backend's memory, so its functions read and
 * write the backend's buffers in place. The module is compiled ahead of time (AssemblyScript, by
 * packages/tflite/tools/build-kernels.mjs, which checks that it imports that memory and nothing else
 * and writes nothing at instantiation) and shipped base64-encoded in a generated module: the build
 * for the single-thread binaries' plain memory; the threaded binary's shared memory takes the same
 * module with its memory import made shared (sharedMemoryVariant). When it cannot
 * be attached (no memory exposed, a browser refusing the module, turned off) the result says why,
 * and the caller runs its TypeScript or tfjs path instead.
 */

import type { WasmMemory } from './wasm_backend.js';

export type KernelModuleResult<T> = { kernels: T; note?: undefined } | { kernels: null; note: string };

/** Reads the unsigned LEB128 at `at`: its value and the index after it. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, at];
  }
}

/**
 * The module `plain` (whose one import is env.memory, limits without a maximum) importing a shared
 * memory of at most 65536 pages instead. AssemblyScript's `--sharedMemory --maximumMemory 65536`
 * build of the same source differs from the plain one in exactly this (build-kernels.mjs checks it
 * on every build), so only the plain build ships.
 */
export function sharedMemoryVariant(plain: Uint8Array): Uint8Array<ArrayBuffer> {
  let at = 8; // magic + version
  while (plain[at] !== 2) {
    const [size, body] = leb(plain, at + 1);
    at = body + size;
  }
  const [size, body] = leb(plain, at + 1);
  const end = body + size;
  // The memory import's limits close the section: flags 0x00 and the minimum.
  let limits = end - 1;
  while (limits > body && (plain[limits - 1]! & 0x80)) limits--;
  limits--; // the flags byte
  const section = [...plain.subarray(body, limits), 0x03, ...plain.subarray(limits + 1, end), 0x80, 0x80, 0x04];
  const head = plain.subarray(0, at + 1); // up to the section id
  const out = new Uint8Array(head.length + 1 + section.length + plain.length - end);
  out.set(head);
  out[head.length] = section.length; // < 128: one LEB128 byte
  out.set(section, head.length + 1);
  out.set(plain.subarray(end), head.length + 1 + section.length);
  return out;
}

let turnedOff = false;

/** For the rest of this realm, every kernel module reports itself turned off (an escape hatch, and the benchmarks' comparison). */
export function turnOffOwnKernels(): void {
  turnedOff = true;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const attached = new WeakMap<WasmMemory, Map<string, KernelModuleResult<unknown>>>();

/**
 * Instantiates the module (`base64`: its plain build) on `memory` and gives its exports, once per
 * memory and module. `bytes` replaces the built module, as it is and not kept (tests of the fallback).
 */
export function attachKernelModule<T>(memory: WasmMemory | null, base64: string, bytes?: Uint8Array<ArrayBuffer>): KernelModuleResult<T> {
  if (turnedOff) return { kernels: null, note: 'turned off (ownKernels: false)' };
  if (!memory) return { kernels: null, note: 'the wasm backend does not expose its memory' };
  const modules = attached.get(memory) ?? new Map<string, KernelModuleResult<unknown>>();
  attached.set(memory, modules);
  let result = bytes ? undefined : modules.get(base64);
  if (result) return result as KernelModuleResult<T>;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const plain = bytes ?? decodeBase64(base64);
    const module = new WebAssembly.Module(shared && !bytes ? sharedMemoryVariant(plain) : plain);
    result = { kernels: new WebAssembly.Instance(module, { env: { memory: memory as WebAssembly.Memory } }).exports as T };
  } catch (err) {
    result = { kernels: null, note: `our SIMD kernels could not be attached (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!bytes) modules.set(base64, result);
  return result as KernelModuleResult<T>;
}

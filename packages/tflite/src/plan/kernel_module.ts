/**
 * Attaching a wasm module of our own to the tfjs wasm backend's memory, so its functions read and
 * write the backend's buffers in place. The module is compiled ahead of time (AssemblyScript, by
 * packages/tflite/tools/build-kernels.mjs, which checks that it imports that memory and nothing else
 * and writes nothing at instantiation) and shipped base64-encoded in a generated module: the build
 * for the single-thread binaries' plain memory; the threaded binary's shared memory takes the same
 * module with its memory import made shared (sharedMemoryVariant). A module ships in two families,
 * relaxed SIMD and plain SIMD (build-kernels.mjs): the relaxed one is attached where the engine
 * validates it (WebAssembly.validate: detected, never guessed from the browser's name), else the
 * plain one. When it cannot be attached (no memory exposed, a browser refusing the module, turned off) the result says why,
 * and the caller runs its TypeScript or tfjs path instead.
 */

import type { WasmMemory } from './wasm_backend.js';

/** Which build of a kernel module runs: with relaxed SIMD (fused multiply-add) or plain SIMD. */
export type KernelFamily = 'relaxed-simd' | 'simd';

export type KernelModuleResult<T> = { kernels: T; family: KernelFamily; note?: undefined } | { kernels: null; family: null; note: string };

/** A kernel module's builds, base64 (a generated module's two exports). */
export interface KernelModuleBuilds {
  simd: string;
  /** The relaxed-SIMD build (may be the same string, when the module has no relaxed instruction). */
  relaxed: string;
}

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
const validates = new Map<string, boolean>();

/** Whether this engine validates the relaxed build (decoded and asked once per module). */
function relaxedValidates(base64: string): boolean {
  let ok = validates.get(base64);
  if (ok === undefined) {
    try {
      ok = WebAssembly.validate(decodeBase64(base64));
    } catch {
      ok = false;
    }
    validates.set(base64, ok);
  }
  return ok;
}

/** The family and build that would be attached: relaxed SIMD where the engine validates it (and `relaxed` allows it). */
export function chooseKernelBuild(builds: string | KernelModuleBuilds, relaxed = true): { family: KernelFamily; base64: string } {
  if (typeof builds === 'string') return { family: 'simd', base64: builds };
  if (relaxed && relaxedValidates(builds.relaxed)) return { family: builds.relaxed === builds.simd ? 'simd' : 'relaxed-simd', base64: builds.relaxed };
  return { family: 'simd', base64: builds.simd };
}

/**
 * Instantiates the module (`builds`: its plain-memory builds, or one build) on `memory` and gives its
 * exports, once per memory and build: the relaxed-SIMD build where the engine validates it and
 * `relaxed` is not false, else the plain SIMD one. `bytes` replaces the built module, as it is and
 * not kept (tests of the fallback).
 */
export function attachKernelModule<T>(memory: WasmMemory | null, builds: string | KernelModuleBuilds, bytes?: Uint8Array<ArrayBuffer>, relaxed = true): KernelModuleResult<T> {
  if (turnedOff) return { kernels: null, family: null, note: 'turned off (ownKernels: false)' };
  if (!memory) return { kernels: null, family: null, note: 'the wasm backend does not expose its memory' };
  const { family, base64 } = chooseKernelBuild(builds, relaxed);
  const modules = attached.get(memory) ?? new Map<string, KernelModuleResult<unknown>>();
  attached.set(memory, modules);
  let result = bytes ? undefined : modules.get(base64);
  if (result) return result as KernelModuleResult<T>;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const plain = bytes ?? decodeBase64(base64);
    const module = new WebAssembly.Module(shared && !bytes ? sharedMemoryVariant(plain) : plain);
    result = { kernels: new WebAssembly.Instance(module, { env: { memory: memory as WebAssembly.Memory } }).exports as T, family: bytes ? 'simd' : family };
  } catch (err) {
    result = { kernels: null, family: null, note: `our SIMD kernels could not be attached (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!bytes) modules.set(base64, result);
  return result as KernelModuleResult<T>;
}

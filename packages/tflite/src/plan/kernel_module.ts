/**
 * Attaching a wasm module of our own to the tfjs wasm backend's memory, so its functions read and
 * write the backend's buffers in place. The module is compiled ahead of time (AssemblyScript, by
 * packages/tflite/tools/build-kernels.mjs, which checks that it imports that memory and nothing else
 * and writes nothing at instantiation) and shipped base64-encoded in a generated module: a plain
 * build for the single-thread binaries and a shared-memory build for the threaded one. When it cannot
 * be attached (no memory exposed, a browser refusing the module, turned off) the result says why,
 * and the caller runs its TypeScript or tfjs path instead.
 */

export type KernelModuleResult<T> = { kernels: T; note?: undefined } | { kernels: null; note: string };

/** A built kernel module: its base64 builds for a plain and for a shared memory. */
export interface KernelModuleSource {
  plain: string;
  shared: string;
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

/**
 * Instantiates `source` (or `bytes`, tests of the fallback) on `memory` and picks `names` from its
 * exports. Not cached: callers keep one result per memory.
 */
export function attachKernelModule<T>(memory: WebAssembly.Memory | null, source: KernelModuleSource, names: readonly (keyof T & string)[], bytes?: Uint8Array<ArrayBuffer>): KernelModuleResult<T> {
  if (turnedOff) return { kernels: null, note: 'turned off (ownKernels: false)' };
  if (!memory) return { kernels: null, note: 'the wasm backend does not expose its memory' };
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(bytes ?? decodeBase64(shared ? source.shared : source.plain));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, unknown>;
    const kernels = {} as Record<string, unknown>;
    for (const name of names) kernels[name] = exports[name];
    return { kernels: kernels as T };
  } catch (err) {
    return { kernels: null, note: `our SIMD kernels could not be attached (${err instanceof Error ? err.message : String(err)})` };
  }
}

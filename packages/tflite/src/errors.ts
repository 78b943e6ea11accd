/**
 * What this runtime throws. Every error it raises on purpose is a TfliteError, so a caller can tell
 * "this file or this browser cannot run here" from a bug, and map each kind to its own codes and
 * advice (the face worker does: packages/worker-runtime/src/errors.ts).
 */

export class TfliteError extends Error {
  override name = 'TfliteError';
}

/** The file is not a TFLite model we can read: not TFL3, truncated, corrupt, or past a limit (limits.ts). */
export class ModelFormatError extends TfliteError {
  override name = 'ModelFormatError';
}

/** The model uses an op (or an op version, or a parameter) this runtime does not run. */
export class UnsupportedOpError extends TfliteError {
  override name = 'UnsupportedOpError';
}

/**
 * The wasm backend did not start. `reason`: 'fetch-failed', the binary could not be downloaded
 * (`cause` is what the caller's fetch threw); 'compile-failed', this browser could not compile or
 * instantiate it (the message names its URL); 'unsupported', the browser lacks what the requested
 * binary needs (SIMD, threads); 'failed', tfjs did not start it, for no reason it gave.
 */
export class WasmStartError extends TfliteError {
  override name = 'WasmStartError';
  constructor(readonly reason: 'fetch-failed' | 'compile-failed' | 'unsupported' | 'failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

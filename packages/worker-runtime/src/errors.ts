/** Errors as they cross to the page: a stable code and a message a person can act on. */
import { WasmStartError } from '@face-mesh/tflite';
import { FrameError } from './pipeline/frame.js';

/**
 * The worker's error codes (the page adds its own: element/src/events.ts). model-integrity,
 * wasm-integrity: a file's SHA-256 is not the one this build ships; wasm-load-failed: a binary could
 * not be fetched; wasm-unsupported: this browser cannot run it; source-failed: an image `src` could
 * not be fetched or decoded.
 */
export const ERROR_CODES = [
  'empty-frame',
  'frame-too-large',
  'closed-frame',
  'bad-frame',
  'model-load-failed',
  'model-integrity',
  'wasm-load-failed',
  'wasm-integrity',
  'source-failed',
  'wasm-unsupported',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** An Error with a stable code; comlink_errors.ts carries the code to the page. */
export class RuntimeError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof FrameError || e instanceof RuntimeError) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

/**
 * A wasm start-up failure of @face-mesh/tflite as our code: a download that failed (our fetchAsset's
 * own coded error, stalled or refused checksum) or a binary this browser could not compile; null
 * when the cause is not known here (api.ts then asks diagnoseWasmFailure, which probes the URL).
 */
export function wasmStartFailure(e: unknown): RuntimeError | null {
  if (e instanceof RuntimeError) return e;
  if (!(e instanceof WasmStartError)) return null;
  if (e.reason === 'fetch-failed') return e.cause instanceof RuntimeError ? e.cause : new RuntimeError('wasm-load-failed', String(e.cause));
  if (e.reason === 'compile-failed') return new RuntimeError('wasm-unsupported', e.message);
  return null;
}

/** A model file @face-mesh/tflite cannot run (its parse or graph check refused it) as 'model-load-failed', naming `url`. */
export function modelFileFailure(url: string, bytes: number, e: unknown): RuntimeError {
  // A ModelFormatError or UnsupportedOpError says what is wrong; anything else is passed on as it is.
  const why = e instanceof Error ? e.message : String(e);
  return new RuntimeError('model-load-failed', `The model ${url} (${bytes} bytes) is not a usable TFLite file: ${why}. It may be truncated or replaced (e.g. an HTML error page); serve the file from the built models/ folder unchanged.`);
}

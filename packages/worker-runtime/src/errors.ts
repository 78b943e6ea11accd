/** Errors as they cross to the page: a stable code and a message a person can act on. */
import { FrameError } from './pipeline/frame.js';

export type ErrorCode =
  | 'empty-frame'
  | 'frame-too-large'
  | 'closed-frame'
  | 'bad-frame'
  | 'model-load-failed'
  /** A model file's SHA-256 is not the one this build ships (replaced or corrupted). */
  | 'model-integrity'
  /** A wasm binary could not be fetched (missing file, wrong asset-base, offline). */
  | 'wasm-load-failed'
  /** A wasm binary's SHA-256 is not the one this build ships. */
  | 'wasm-integrity'
  /** An image or video `src` could not be fetched. */
  | 'source-failed'
  /** The binary was there but this browser cannot run it (no WebAssembly, no SIMD, ...). */
  | 'wasm-unsupported'
  | 'not-ready'
  | 'internal';

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

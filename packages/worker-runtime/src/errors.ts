/** Errors as they cross to the page: a stable code and a message a person can act on. */
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

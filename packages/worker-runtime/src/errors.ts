/** Errors as they cross to the page: a stable code and a message a person can act on. */
import { FrameError } from './pipeline/frame.js';

export type ErrorCode =
  | 'empty-frame'
  | 'frame-too-large'
  | 'closed-frame'
  | 'bad-frame'
  | 'model-load-failed'
  | 'wasm-unsupported'
  | 'not-ready'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof FrameError) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

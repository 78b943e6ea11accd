/**
 * Moves video frames to the worker without reading pixels on the main thread.
 * - Camera tracks, where MediaStreamTrackProcessor exists: its readable stream of VideoFrames is
 *   transferred to the worker once; the worker pulls frames itself and keeps only the newest.
 * - Otherwise (and for <video src>): requestVideoFrameCallback + createImageBitmap (a GPU-side copy),
 *   transferred, with at most one frame in flight: a frame that arrives while the worker is busy is
 *   not captured at all. Without requestVideoFrameCallback, every animation frame checks whether
 *   the video's current time moved (a new frame) instead.
 */
import type { StreamListener } from '@face-mesh/worker-runtime';
import { FrameBudget } from '@face-mesh/worker-runtime/frame-budget';
import type { RuntimeClient } from './runtime_client.js';

export interface FrameSource {
  stop(): void;
}

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): { readable: ReadableStream<VideoFrame> };
}

function trackProcessor(): TrackProcessorCtor | undefined {
  return (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
}

export function canTransferTrackFrames(): boolean {
  if (!trackProcessor()) return false;
  // Transferable ReadableStreams are needed too (Chromium 87+).
  try {
    const { port1 } = new MessageChannel();
    const rs = new ReadableStream();
    port1.postMessage(rs, [rs as unknown as Transferable]);
    port1.close();
    return true;
  } catch {
    return false;
  }
}

/** Camera track -> worker, through MediaStreamTrackProcessor. Resolves when the track's stream ends. */
export function streamTrack(client: RuntimeClient, track: MediaStreamTrack, listener: StreamListener): { done: Promise<void>; source: FrameSource } {
  const Processor = trackProcessor();
  if (!Processor) throw new Error('MediaStreamTrackProcessor is not available');
  const { readable } = new Processor({ track, maxBufferSize: 1 });
  const done = client.startStream(listener, readable);
  return { done, source: { stop: () => void client.stopStream().catch(() => {}) } };
}

interface FrameCallbacks {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

/** Calls back once per new video frame: requestVideoFrameCallback, or animation frames where the video's time moved. */
function videoFrameCallbacks(video: HTMLVideoElement): FrameCallbacks {
  if (typeof video.requestVideoFrameCallback === 'function') {
    return { request: (cb) => video.requestVideoFrameCallback(cb), cancel: (h) => video.cancelVideoFrameCallback(h) };
  }
  let lastTime = -1;
  const request = (cb: (now: number) => void): number => requestAnimationFrame((now) => {
    // (a camera stream's currentTime advances too)
    if (video.currentTime === lastTime) {
      handle.current = request(cb);
      return;
    }
    lastTime = video.currentTime;
    cb(now);
  });
  const handle = { current: 0 };
  return {
    request: (cb) => (handle.current = request(cb)),
    cancel: () => cancelAnimationFrame(handle.current),
  };
}

/**
 * <video> -> worker, one ImageBitmap per presented frame while the worker is free, at most
 * `maxFps()` a second (frames over the budget are not captured).
 */
export function streamVideoElement(client: RuntimeClient, video: HTMLVideoElement, listener: StreamListener, maxFps: () => number = () => 0): FrameSource {
  const budget = new FrameBudget();
  let stopped = false;
  let inFlight = false;
  let handle = 0;
  const frames = videoFrameCallbacks(video);
  const started = client.startStream({
    onResult: (r) => {
      inFlight = false;
      listener.onResult(r);
    },
    onError: (e) => {
      inFlight = false;
      listener.onError(e);
    },
    onThreads: (choice) => listener.onThreads?.(choice),
  });
  started.catch(() => {}); // a worker that died: the element hears it from the client
  const onFrame = (now: number) => {
    if (stopped) return;
    handle = frames.request(onFrame);
    if (inFlight || video.videoWidth === 0) return;
    budget.maxFps = maxFps();
    if (!budget.admit(now)) return;
    inFlight = true;
    createImageBitmap(video).then(
      async (bitmap) => {
        await started.catch((e: unknown) => {
          bitmap.close();
          throw e;
        });
        if (stopped) {
          bitmap.close();
          return;
        }
        await client.pushFrame(bitmap, now);
      },
      (e: unknown) => {
        inFlight = false;
        listener.onError({ code: 'bad-frame', message: `Could not capture a video frame: ${e instanceof Error ? e.message : String(e)}` });
      },
    ).catch((e: unknown) => {
      inFlight = false;
      // (after stop(): the worker was stopped or crashed under this frame, which the element reports)
      if (!stopped) listener.onError({ code: 'internal', message: e instanceof Error ? e.message : String(e) });
    });
  };
  handle = frames.request(onFrame);
  return {
    stop() {
      stopped = true;
      frames.cancel(handle);
      void client.stopStream().catch(() => {});
    },
  };
}

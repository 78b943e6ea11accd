/**
 * The element's picture source: the camera, or a `src` image or video. Opens it, shows it, feeds
 * its frames to the worker (frame_source.ts), suspends while the page is hidden, and stops it
 * (tracks stopped, media players released) when asked or when it ends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StreamListener } from '@face-mesh/worker-runtime';
import { openCamera, stopStream, type FacingMode } from './camera.js';
import { corsAdvice, isPixelReadError, videoPixelsReadable } from './cross_origin.js';
import { RepeatedErrors } from './error_repeats.js';
import { errorEvent, FaceMeshError, FaceMeshErrorEvent, ResumeEvent, SuspendEvent, type ErrorDetail } from './events.js';
import type { FaceEvents } from './face_events.js';
import { toFaceMeshError } from './frame_input.js';
import { maxFpsOf } from './element_options.js';
import { canTransferTrackFrames, streamTrack, streamVideoElement, type FrameSource } from './frame_source.js';
import { runtimeSettings } from './runtime_client.js';
import type { RuntimeController } from './runtime_controller.js';
import { sourceKind, type MediaKind, type SrcType } from './source_type.js';

export type SourceKind = 'camera' | MediaKind;

/** What the controller reads from (and `running`: writes to) the element. */
export interface SourceHost extends ReactiveControllerHost, HTMLElement {
  src: string;
  srcType: SrcType;
  crossOrigin: 'anonymous' | 'use-credentials' | null;
  facingMode: FacingMode;
  paused: boolean;
  maxFps: number;
  running: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class SourceController implements ReactiveController {
  /** What the running (or starting) source is, once known (sniffed): decides whether a <video> or an <img> is rendered. */
  private currentKind: SourceKind = 'camera';
  /** start() was called and stop() was not: a new src or facing-mode restarts the source. */
  private wantsSource = false;
  /** The `src` the last start() opened. */
  private startedSrc = '';
  /** Bumped by every start and stop: a start that finds it changed was overtaken and gives up. */
  private generation = 0;
  /** No source has run yet: the start button shows. */
  private neverStarted = true;
  /** The last `src` image the worker read: only a checked image is shown (a bomb must not reach the page's decoder). */
  private checkedImage = '';
  private mediaStream: MediaStream | null = null;
  /**
   * Removes the listeners put on the current source's objects (the camera track). Chromium keeps a
   * camera's MediaStream reachable after it is stopped (its getUserMedia promise stays referenced),
   * and a listener left on its track would keep the element, removed or not, alive with it.
   */
  private sourceListeners: AbortController | null = null;
  private frameSource: FrameSource | null = null;
  /** Watches a playing `src` video for a stall (watchVideo). */
  private stallTimer = 0;
  /** Frames are stopped because the page is hidden (document.hidden); they restart when it is visible. */
  private hiddenSuspended = false;
  /** The live source's errors: one event per run of identical ones, then a count. */
  private readonly liveErrors: RepeatedErrors;

  constructor(
    private readonly host: SourceHost,
    private readonly runtime: RuntimeController,
    private readonly faces: FaceEvents,
  ) {
    this.liveErrors = new RepeatedErrors((detail) => host.dispatchEvent(new FaceMeshErrorEvent(detail)));
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.visibilityChanged);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.visibilityChanged);
  }

  get kind(): SourceKind {
    return this.currentKind;
  }

  /** start() was called and neither stop() nor a second crash followed. */
  get wanted(): boolean {
    return this.wantsSource;
  }

  /** The start button shows until a source has run. */
  get showStart(): boolean {
    return this.neverStarted;
  }

  /**
   * The `src` image to show, once the worker has read it (its size checked from the header before
   * decoding, then decoded and processed there); undefined before that, and for any other `src`.
   */
  get shownImage(): string | undefined {
    return this.checkedImage && this.checkedImage === this.host.src ? this.checkedImage : undefined;
  }

  /**
   * What a changed `src` or `facing-mode` does to the source, as `src` does on `<img>` and `<video>`:
   * a new `src` loads it, whether or not anything ran before (frameworks render the element first
   * and fill in `src` later); `src` cleared stops a `src` source; a new camera switches a wanted one.
   */
  afterChange(srcChanged: boolean, cameraChanged: boolean): 'start' | 'stop' | null {
    const src = this.host.src;
    if (srcChanged && src && (!this.wantsSource || src !== this.startedSrc)) return 'start';
    if (srcChanged && !src && this.wantsSource && this.startedSrc) return 'stop';
    if (cameraChanged && !src && this.wantsSource) return 'start';
    return null;
  }

  /**
   * Open the source (camera, or `src`), with the worker (`runtime`), and start firing events. While
   * it waits, a later start, stop() or halt() may overtake it (`overtaken`): it then gives up
   * without a word. (The waits stay here, each with its check, so that the checks are in one place.)
   */
  async start(): Promise<void> {
    const host = this.host;
    this.wantsSource = true;
    const generation = ++this.generation;
    this.stopSource();
    this.startedSrc = host.src;
    try {
      const srcUrl = srcUrlOf(host.src);
      const [kind] = await this.sniffKindWhileWorkerStarts(srcUrl);
      if (this.overtaken(generation)) return;
      this.setKind(kind);
      if (kind === 'image') {
        await this.showImage(srcUrl!, generation);
        return;
      }
      const video = await this.videoElement();
      if (kind === 'video') {
        this.openSrcVideo(video, srcUrl!);
      } else {
        const stream = await openCamera(host.facingMode);
        if (this.overtaken(generation)) {
          stopStream(stream);
          return;
        }
        this.openCameraVideo(video, stream);
      }
      await this.play(video, kind, srcUrl);
      if (this.overtaken(generation)) return;
      if (kind === 'video' && !(await videoPixelsReadable(video))) {
        throw new FaceMeshError('source-failed', `The video ${srcUrl!.href} plays, but its pixels cannot be read: it comes from another origin without CORS.${corsAdvice(srcUrl!, true)}`);
      }
      if (this.overtaken(generation)) return;
      host.running = true;
      this.neverStarted = false;
      if (!host.paused) this.startFrames();
    } catch (e) {
      if (!this.overtaken(generation)) throw this.startFailed(e);
    }
  }

  /** The page's stop(): close the source; a new `src` no longer starts one. */
  stop(): void {
    this.wantsSource = false;
    this.halt();
  }

  /** Close the source and cancel a start under way (the element is shutting down or restarting). */
  halt(): void {
    this.generation++;
    this.stopSource();
  }

  /** `paused` changed: frames stop (the source stays open) or start again. */
  pausedChanged(): void {
    if (this.host.paused) this.stopFrames();
    else if (this.host.running) this.startFrames();
  }

  /** While the page is hidden no frame is processed (and a `src` video is paused); visible again, they resume. */
  readonly visibilityChanged = (): void => {
    const host = this.host;
    if (document.hidden) {
      if (!host.running || this.hiddenSuspended) return;
      this.hiddenSuspended = true;
      this.stopFrames();
      if (this.currentKind === 'video') host.renderRoot.querySelector('video')?.pause();
      host.dispatchEvent(new SuspendEvent({ reason: 'hidden' }));
      return;
    }
    if (!this.hiddenSuspended) return;
    this.hiddenSuspended = false;
    if (!host.running) return;
    if (this.currentKind === 'video') void host.renderRoot.querySelector('video')?.play().catch(() => {});
    if (!host.paused) this.startFrames();
    host.dispatchEvent(new ResumeEvent({ reason: 'hidden' }));
  };

  /** A later start, stop() or halt() happened since the start numbered `generation`. */
  private overtaken(generation: number): boolean {
    return generation !== this.generation;
  }

  /**
   * What `srcUrl` is (image or video; no URL: the camera), sniffed while the worker starts: both
   * are waited for at once, and either failing fails the start.
   */
  private sniffKindWhileWorkerStarts(srcUrl: URL | null): Promise<[SourceKind, unknown]> {
    const host = this.host;
    const kindOf = srcUrl ? sourceKind(srcUrl, host.srcType, host.crossOrigin) : Promise.resolve<SourceKind>('camera');
    return Promise.all([
      kindOf.catch((e: unknown) => {
        throw new FaceMeshError('source-failed', `${e instanceof Error ? e.message : String(e)}.${corsAdvice(srcUrl!)}`);
      }),
      this.runtime.ensure(),
    ]);
  }

  /**
   * A `src` image: the worker fetches, checks and processes it; only then is it shown (a bomb must
   * not reach the page's decoder), and its one result fired.
   */
  private async showImage(srcUrl: URL, generation: number): Promise<void> {
    const host = this.host;
    const result = await this.runtime.client!.processUrl(srcUrl.href).catch((e: unknown) => {
      // The worker's codes (frame-too-large for an image bomb) win over the generic one, which
      // says what to check for a source on another origin.
      const err = toFaceMeshError(e, 'source-failed');
      throw err.code === 'source-failed' && !(e instanceof FaceMeshError) ? new FaceMeshError('source-failed', `${err.message}${corsAdvice(srcUrl)}`) : err;
    });
    if (this.overtaken(generation)) return;
    this.checkedImage = host.src;
    host.requestUpdate();
    this.faces.result({ ...result, timestamp: performance.now(), dropped: 0, busy: NaN, threads: this.runtime.threads });
  }

  /**
   * A `src` video into the <video>, looped: its media player's failures once it runs go to
   * videoFailed, and from here it is watched for a stall (it may also never start, its play()
   * pending for good).
   */
  private openSrcVideo(video: HTMLVideoElement, srcUrl: URL): void {
    video.srcObject = null;
    video.src = this.host.src;
    video.loop = true;
    this.sourceListeners = new AbortController();
    video.addEventListener('error', () => this.videoFailed(video, srcUrl), { signal: this.sourceListeners.signal });
    this.watchVideo(video, srcUrl);
  }

  /** The opened camera into the <video>, its track watched for ending (unplugged, revoked). */
  private openCameraVideo(video: HTMLVideoElement, stream: MediaStream): void {
    this.mediaStream = stream;
    video.srcObject = stream;
    this.sourceListeners = new AbortController();
    stream.getVideoTracks()[0]?.addEventListener('ended', () => {
      if (this.mediaStream === stream) this.cameraEnded();
    }, { signal: this.sourceListeners.signal });
  }

  /** Play the opened video; a refusal is source-failed, saying what to check. */
  private play(video: HTMLVideoElement, kind: 'camera' | 'video', srcUrl: URL | null): Promise<void> {
    return video.play().catch((e: unknown) => {
      throw new FaceMeshError('source-failed', kind === 'video'
        ? `The video ${srcUrl!.href} could not be played (${e instanceof Error ? e.message : String(e)}): check the URL and that it is a video this browser plays (${playableFormats(video)}).${corsAdvice(srcUrl!)}`
        : `The camera video could not be played: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** A start that failed (and was not overtaken): its error as an `error` event, the source closed; returns the error start() rejects with. */
  private startFailed(e: unknown): FaceMeshError {
    const err = e instanceof FaceMeshError ? e : new FaceMeshError('internal', e instanceof Error ? e.message : String(e));
    this.host.dispatchEvent(errorEvent(err.code, err));
    this.stopSource();
    return err;
  }

  private setKind(kind: SourceKind): void {
    if (kind === this.currentKind) return;
    this.currentKind = kind;
    this.host.requestUpdate();
  }

  private async videoElement(): Promise<HTMLVideoElement> {
    this.host.requestUpdate();
    await this.host.updateComplete;
    const video = this.host.renderRoot.querySelector('video');
    if (!video) throw new FaceMeshError('internal', 'no video element');
    return video;
  }

  private startFrames(): void {
    const host = this.host;
    const client = this.runtime.client;
    const video = host.renderRoot.querySelector('video');
    if (!client || !video || this.frameSource) return;
    if (document.hidden) {
      // Nothing is processed for a hidden page; visibilityChanged starts the frames when it shows.
      if (!this.hiddenSuspended) {
        this.hiddenSuspended = true;
        host.dispatchEvent(new SuspendEvent({ reason: 'hidden' }));
      }
      return;
    }
    let gaveUp = false;
    const listener: StreamListener = {
      onResult: (r) => {
        this.liveErrors.end();
        this.faces.result(r);
      },
      onError: (e) => {
        if (gaveUp) return;
        if (isPixelReadError(e.message)) {
          gaveUp = true;
          // A frame whose pixels cannot be read (a cross-origin source without CORS): every frame would fail the same way.
          this.stopSource();
          const where = host.src ? new URL(host.src, document.baseURI) : null;
          host.dispatchEvent(errorEvent('source-failed', `The frames of ${where?.href ?? 'the source'} cannot be read: ${e.message}.${where ? corsAdvice(where, true) : ''}`));
          return;
        }
        this.liveErrors.error(e as ErrorDetail);
      },
      onThreads: (choice) => this.runtime.threadsChanged(choice),
    };
    const track = this.mediaStream?.getVideoTracks()[0];
    if (this.currentKind === 'camera' && track && canTransferTrackFrames()) {
      // A processor's stream can be read once: clone the track so pause/resume gets a fresh one.
      const clone = track.clone();
      const { source, done } = streamTrack(client, clone, listener);
      const frameSource: FrameSource = { stop: () => { source.stop(); clone.stop(); } };
      this.frameSource = frameSource;
      // The worker's stream ends by itself when the camera goes away (unplugged, revoked).
      void done.then(() => {
        if (this.frameSource === frameSource) this.cameraEnded();
      }, () => {});
    } else {
      this.frameSource = streamVideoElement(client, video, listener, () => maxFpsOf(host.maxFps).fps);
    }
  }

  private stopFrames(): void {
    this.frameSource?.stop();
    this.frameSource = null;
    this.liveErrors.end();
  }

  private cameraEnded(): void {
    this.stopSource();
    this.host.dispatchEvent(new FaceMeshErrorEvent({ code: 'camera-ended', message: 'The camera stopped (unplugged or taken by another application). Call start() to try again.' }));
  }

  /**
   * A `src` video that stops or never starts without an error (its time stands still while it is
   * not paused: the network stopped delivering it, or the media player froze) would leave the page
   * without events and without a word. Reported once per stall as source-failed; the source stays
   * open, so it goes on if the video does.
   */
  private watchVideo(video: HTMLVideoElement, url: URL): void {
    let lastTime = video.currentTime;
    let movedAt = performance.now();
    let reported = false;
    const stallMs = runtimeSettings.videoStallMs;
    this.stallTimer = setInterval(() => {
      const now = performance.now();
      if (video.currentTime !== lastTime || video.paused || document.hidden) {
        // (moving, or stopped on purpose: paused by the page or for a hidden page)
        lastTime = video.currentTime;
        movedAt = now;
        reported = false;
        return;
      }
      if (reported || now - movedAt < stallMs) return;
      reported = true;
      const why = video.error ? `the browser reports: ${mediaErrorText(video.error)}` : 'the network stopped delivering it, or the browser\'s media player stalled';
      const what = lastTime === 0 && !this.host.running ? 'has not started' : 'stopped';
      this.host.dispatchEvent(errorEvent('source-failed', `The video ${url.href} ${what}: its time has not moved for ${((now - movedAt) / 1000).toFixed(1)} s while playing (${why}). No frames come from it; call start() to try again.`));
    }, Math.min(1_000, stallMs / 2)) as unknown as number;
  }

  /**
   * A running `src` video's media player failed (a decode error, a network error). The video stops
   * (Chromium pauses it, so the stall watch would not see it): one source-failed event, and the
   * source is closed, as when it cannot start. (Before it runs, play() or the stall watch report it.)
   */
  private videoFailed(video: HTMLVideoElement, url: URL): void {
    if (!this.host.running || !video.error) return;
    this.host.dispatchEvent(errorEvent('source-failed', `The video ${url.href} stopped: the browser reports: ${mediaErrorText(video.error)}. Check that the file is whole and the server answers it completely; call start() to try again.`));
    this.stopSource();
  }

  private stopSource(): void {
    clearInterval(this.stallTimer);
    this.stopFrames();
    this.sourceListeners?.abort();
    this.sourceListeners = null;
    stopStream(this.mediaStream);
    this.mediaStream = null;
    const video = this.host.renderRoot?.querySelector('video');
    if (video) {
      video.pause();
      const hadSource = video.srcObject !== null || video.hasAttribute('src');
      video.srcObject = null;
      video.removeAttribute('src');
      // Without a load() the media player (decoder, GStreamer pipeline in WebKitGTK) lives on until
      // garbage collection; WebKitGTK stalled new videos after a few such left-overs.
      if (hadSource) video.load();
    }
    this.hiddenSuspended = false;
    if (this.host.running) {
      this.host.running = false;
      this.faces.loseAll();
    }
    void this.runtime.client?.resetPipeline().catch(() => {});
  }
}

/** The `src` attribute as a URL (against the document's base); null for none (the camera). */
function srcUrlOf(src: string): URL | null {
  try {
    return src ? new URL(src, document.baseURI) : null;
  } catch {
    throw new FaceMeshError('source-failed', `src "${src}" is not a URL.`);
  }
}

/** The video formats this browser says it plays, for error messages. */
function playableFormats(video: HTMLVideoElement): string {
  const formats = [['MP4/H.264', 'video/mp4; codecs="avc1.42E01E"'], ['WebM/VP9', 'video/webm; codecs="vp9"'], ['WebM/VP8', 'video/webm; codecs="vp8"']] as const;
  const playable = formats.filter(([, type]) => video.canPlayType(type) !== '').map(([name]) => name);
  return playable.length ? `this browser plays ${playable.join(', ')}` : 'this browser reports no MP4 or WebM support';
}

/** A media error in words, with what to do where the cause is known. */
function mediaErrorText(error: MediaError): string {
  const text = error.message.replace(/[\s.!]+$/, '') || `media error ${error.code}`;
  // WebKitGTK's player stops for good when a server answers its range request with the whole file.
  return /range/i.test(text) ? `${text}; the server must answer Range requests with 206 Partial Content` : text;
}

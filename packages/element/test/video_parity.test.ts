/**
 * Parity on video between the `<face-mesh>` element and the CLI (`face-mesh landmarks clip.mp4`), on
 * the Node package's test clip (packages/node/test/video_clip.mjs: 30 frames of a face panning
 * right, 640x480, 15 fps, H.264). The `video-parity` server command (tools/video-parity.mjs) makes the
 * clip, decodes it as the CLI does (ffmpeg, RGBA) and runs the CLI on it.
 *
 * 1. The same decoded frames: the element's camera is a track the test writes those RGBA frames to
 *    (a MediaStreamTrackGenerator that getUserMedia gives the element), each once the previous one's
 *    `landmarks` event came, with its presentation time as its timestamp. The element runs its own
 *    path (track processor -> worker -> tracking -> One-Euro smoothing on the frames' times), the CLI
 *    its own (`--smooth`). Bar: the image parity's, 0.001% IOD per frame (measured: 7e-6% worst):
 *    the pixels and the code are the same, what differs is float32 in the element's events (1e-7 of
 *    a coordinate). The CLI's raw landmarks are 1.4% IOD away: the bar tells smoothing from none.
 * 2. Chromium's own decoder: the element plays the clip (`src`), paused after it starts and moved
 *    frame by frame by seeks, so the worker takes every frame, from the first (detector) on; raw
 *    landmarks (smoothing off: a `src` video's frame times are the page's clock). The decoders differ:
 *    Chromium converts YUV to RGB itself, and 88% of the RGB values differ from ffmpeg's, by up to 3
 *    levels (printed). Measured: 0.08% IOD mean, 0.19% worst frame, 0.7% worst single point. Bar:
 *    0.5% IOD per frame, about twice what one level of random noise makes on the same frames
 *    (packages/node/test/video_parity.test.mjs: 0.27% worst frame); a frame off by one (the face
 *    moves 2 px a frame: 2.4% IOD at least) or smoothing on one side only (1.4%) is above it.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { matchFaces } from '@face-mesh/geometry';
import { createFaceMesh, nextEvent, ONE_THREAD } from './helpers.js';
import type { FaceMeshElement, LandmarksEvent } from '../src/index.js';
import '../src/define.js';

interface CliRecord {
  frame: number;
  pts_ms: number;
  width: number;
  height: number;
  detector_ran: boolean;
  faces: number[][][];
}
interface VideoParity {
  clipUrl: string;
  framesUrl: string;
  records: CliRecord[];
}

const cliRun = (payload: { smooth: boolean; startMs?: number }) => executeServerCommand<VideoParity, typeof payload>('video-parity', payload);

interface Comparison {
  /** Per frame: mean 2-D distance over the 478 points, % of the CLI face's IOD. */
  frameErrors: number[];
  /** Largest single-point distance, % IOD. */
  worstPoint: number;
}

/** The element's faces against the CLI's, frame by frame (each must have one face in both). */
function compare(cli: CliRecord[], element: Float32Array[][]): Comparison {
  expect(element.length).to.equal(cli.length);
  const frameErrors: number[] = [];
  let worstPoint = 0;
  cli.forEach((record, i) => {
    const refs = record.faces.map((f) => Float32Array.from(f.flat()));
    const m = matchFaces(refs, element[i]);
    expect([m.matches.length, m.missed, m.extra], `frame ${record.frame}: faces matched, missed, extra`).to.deep.equal([1, 0, 0]);
    frameErrors.push(m.matches[0].errors.all!);
    const [ref, cand] = [refs[0], element[i][0]];
    const eyes = (f: Float32Array, a: number, b: number, k: number) => (f[3 * a + k] + f[3 * b + k]) / 2;
    const iod = Math.hypot(...[0, 1, 2].map((k) => eyes(ref, 33, 133, k) - eyes(ref, 362, 263, k)));
    for (let p = 0; p < 478; p++) worstPoint = Math.max(worstPoint, (100 * Math.hypot(ref[3 * p] - cand[3 * p], ref[3 * p + 1] - cand[3 * p + 1])) / iod);
  });
  return { frameErrors, worstPoint };
}

const summary = ({ frameErrors, worstPoint }: Comparison) =>
  `mean ${(frameErrors.reduce((a, b) => a + b, 0) / frameErrors.length).toExponential(2)}% IOD, worst frame ${Math.max(...frameErrors).toExponential(2)}% IOD, worst point ${worstPoint.toExponential(2)}% IOD`;

/** The clip's frames as RGBA byte arrays, as ffmpeg decoded them for the CLI. */
async function decodedFrames(url: string, width: number, height: number, count: number): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const size = width * height * 4;
  expect(bytes.length).to.equal(size * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/** How the RGB values of `bitmap` (closed here) differ from `rgba`'s. */
function pixelDifference(bitmap: ImageBitmap, rgba: Uint8Array): { values: number; differing: number; levels: number[] } {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height, { colorSpace: 'srgb' });
  let differing = 0;
  let worst = 0;
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) continue;
    const d = Math.abs(data[i] - rgba[i]);
    if (d) differing++;
    worst = Math.max(worst, d);
  }
  return { values: (data.length / 4) * 3, differing, levels: [worst] };
}

describe('<face-mesh> on video: the CLI\'s landmarks', function () {
  this.timeout(60_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  const realGetUserMedia = Object.getOwnPropertyDescriptor(MediaDevices.prototype, 'getUserMedia')!;
  let el: FaceMeshElement | undefined;

  afterEach(() => {
    Object.defineProperty(MediaDevices.prototype, 'getUserMedia', realGetUserMedia);
    el?.remove();
    el = undefined;
  });

  it('equal the element\'s on the same decoded frames (tracking, smoothing on the frames\' times)', async () => {
    const { framesUrl, records } = await cliRun({ smooth: true });
    const { width, height } = records[0];
    const frames = await decodedFrames(framesUrl, width, height, records.length);

    // The camera the element opens: a track this test writes the decoded frames to.
    const Generator = (globalThis as unknown as { MediaStreamTrackGenerator: new (init: { kind: 'video' }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> } }).MediaStreamTrackGenerator;
    const track = new Generator({ kind: 'video' });
    const writer = track.writable.getWriter();
    Object.defineProperty(MediaDevices.prototype, 'getUserMedia', { configurable: true, writable: true, value: async () => new MediaStream([track]) });

    el = createFaceMesh({ 'max-faces': '1', overlay: 'none', ...ONE_THREAD });
    // The camera's <video> plays (and start() finishes) once the track has a frame, and the worker
    // reads only the frames that come after its reader is connected: faceless grey frames until one
    // has come out of the worker (a grey frame leaves nothing tracked, nothing smoothed).
    const grey = new Uint8Array(width * height * 4).fill(128);
    const GREY_TIME = -1_000_000;
    const greyOut = nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.timestamp === GREY_TIME / 1000, 60_000);
    let live = false;
    void greyOut.then(() => (live = true), () => {});
    const started = el.start();
    while (!live) {
      await writer.write(new VideoFrame(grey, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: GREY_TIME }));
      await Promise.race([greyOut, new Promise((r) => setTimeout(r, 100))]);
    }
    await started;
    expect((await greyOut).detail.faces).to.have.length(0);
    const element: Float32Array[][] = [];
    let dropped: number | undefined;
    for (let i = 0; i < frames.length; i++) {
      const timestamp = Math.round(records[i].pts_ms * 1000); // microseconds: the element's timestamp is this / 1000
      const result = nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.timestamp !== GREY_TIME / 1000, 30_000);
      await writer.write(new VideoFrame(frames[i], { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp }));
      const { detail } = await result;
      expect(detail.timestamp, `frame ${i}: the element's frame time`).to.equal(timestamp / 1000);
      dropped ??= detail.dropped;
      expect(detail.dropped, 'no frame dropped').to.equal(dropped);
      expect(detail.detectorRan, `frame ${i}: the detector ran in one and not the other`).to.equal(records[i].detector_ran);
      element.push(detail.faces.map((f) => f.landmarks));
    }
    await writer.close();
    const result = compare(records, element);
    console.log(`video parity, element vs CLI on the same frames (${records.length} frames, smoothed): ${summary(result)}`);
    expect(Math.max(...result.frameErrors)).to.be.at.most(0.001);
    // The bar tells smoothing from none: the CLI's raw landmarks are far from the element's.
    const raw = compare((await cliRun({ smooth: false })).records, element);
    console.log(`the element's smoothed landmarks vs the CLI's raw ones: ${summary(raw)}`);
    expect(Math.max(...raw.frameErrors)).to.be.above(0.01);
  });

  it('are within a decoder\'s rounding of the element\'s playing the clip itself (src)', async () => {
    const { clipUrl, framesUrl, records } = await cliRun({ smooth: false });
    const { width, height } = records[0];
    const decoded = await decodedFrames(framesUrl, width, height, records.length);
    el = createFaceMesh({ 'max-faces': '1', overlay: 'none', smoothing: 'off', ...ONE_THREAD });
    await el.updateComplete;
    const video = el.shadowRoot!.querySelector('video')!;
    // The slowest rate: the first frame shows for a second, so the video is still on it when paused.
    video.defaultPlaybackRate = 0.0625;
    // Which frame each presentation was: the element's timestamp for a `src` video is the `now` of
    // its requestVideoFrameCallback, the same `now` every callback of that presentation gets.
    const fps = 15;
    const frameAt = new Map<number, number>();
    const watch = (now: number, meta: VideoFrameCallbackMetadata) => {
      frameAt.set(now, Math.round(meta.mediaTime * fps));
      video.requestVideoFrameCallback(watch);
    };
    video.requestVideoFrameCallback(watch);
    const results: { frame: number; faces: Float32Array[] }[] = [];
    const errors: string[] = [];
    el.addEventListener('landmarks', (e) => results.push({ frame: frameAt.get(e.detail.timestamp) ?? NaN, faces: e.detail.faces.map((f) => f.landmarks) }));
    el.addEventListener('error', (e) => errors.push(`${e.detail.code}: ${e.detail.message}`));
    el.src = clipUrl;
    while (!el.running && !errors.length) await new Promise((r) => setTimeout(r, 10));
    // Then frame by frame: paused, each frame shown by a seek into its middle once the previous
    // one's landmarks came (the element takes every presented frame while its worker is free).
    video.pause();
    await new Promise((r) => setTimeout(r, 500));
    expect(errors).to.deep.equal([]);
    expect(results.map((r) => r.frame), 'frames processed while it played').to.deep.equal(results.map((_, i) => i));
    const pixels: { values: number; differing: number; levels: number[] }[] = [];
    for (let k = results.length; k < records.length; k++) {
      const shown = nextEvent<LandmarksEvent>(el, 'landmarks', () => true, 30_000);
      video.currentTime = (k + 0.5) / fps;
      await shown;
      expect(results[k]?.frame, `the landmarks after the seek to frame ${k}`).to.equal(k);
      pixels.push(pixelDifference(await createImageBitmap(video), decoded[k]));
    }
    const levels = pixels.flatMap((p) => p.levels);
    const differing = pixels.reduce((n, p) => n + p.differing, 0) / pixels.reduce((n, p) => n + p.values, 0);
    console.log(`Chromium's decoded pixels vs ffmpeg's (${pixels.length} frames): ${(100 * differing).toFixed(1)}% of the RGB values differ, by at most ${Math.max(...levels)} levels`);
    expect(errors).to.deep.equal([]);
    const result = compare(records, results.map((r) => r.faces));
    console.log(`video parity, element playing the clip (Chromium's decoder) vs CLI (ffmpeg's), ${records.length} frames, raw: ${summary(result)}`);
    expect(records.every((r, i) => r.detector_ran === (i === 0)), 'the detector ran on the first frame only (in the CLI)').to.equal(true);
    expect(Math.max(...result.frameErrors)).to.be.at.most(0.5);
  });
});

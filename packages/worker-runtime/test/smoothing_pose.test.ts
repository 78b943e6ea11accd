/**
 * One-Euro smoothing (on in video mode) and the facial transformation matrix, measured on frames
 * made in the page: a still face with sensor-like noise, and the moving/rotating face sequence.
 */
import { expect } from 'chai';
import { interOcularDistance, matrixToEulerAngles } from '@face-mesh/geometry';
import type { FrameResult } from '../src/index.js';
import { spawnRuntime, WASM_BASE, MODEL_URLS, GEOMETRY_URL } from './spawn.js';
import { faceCrop, noisy, trackFrame } from './parity/frames.js';

/** Mean 2D distance between two faces' points, in % of the IOD of `ref`. */
function distanceIod(ref: Float32Array, other: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < ref.length; i += 3) sum += Math.hypot(ref[i] - other[i], ref[i + 1] - other[i + 1]);
  return (100 * sum) / (ref.length / 3) / interOcularDistance(ref);
}

describe('smoothing and pose in the pipeline', function () {
  this.timeout(600_000);
  let rt: ReturnType<typeof spawnRuntime>;
  before(async () => {
    rt = spawnRuntime();
    await rt.api.init({ wasmBase: WASM_BASE });
    await rt.api.createPipeline({ ...MODEL_URLS, geometry: GEOMETRY_URL }, { maxFaces: 1 });
  });
  after(() => rt.worker.terminate());

  async function run(frames: ImageData[], smoothing: boolean): Promise<FrameResult[]> {
    await rt.api.setPipelineOptions({ smoothing, staticImageMode: false });
    await rt.api.resetPipeline();
    const out: FrameResult[] = [];
    for (let t = 0; t < frames.length; t++) {
      // 30 fps timestamps: the filter's frequency comes from them.
      out.push(await rt.api.process(frames[t], { timestampMs: 1000 + (t * 1000) / 30 }));
    }
    return out;
  }

  it('still face with noise: smoothing cuts frame-to-frame jitter', async () => {
    const crop = await faceCrop();
    const frames = Array.from({ length: 40 }, (_, t) => noisy(crop, t + 1));
    const jitter = (results: FrameResult[]) => {
      const d: number[] = [];
      for (let t = 11; t < results.length; t++) d.push(distanceIod(results[t - 1].faces[0].landmarks, results[t].faces[0].landmarks));
      return d.reduce((a, b) => a + b, 0) / d.length;
    };
    const raw = await run(frames, false);
    const smooth = await run(frames, true);
    expect(raw.every((r) => r.faces.length === 1) && smooth.every((r) => r.faces.length === 1)).to.equal(true);
    const [jRaw, jSmooth] = [jitter(raw), jitter(smooth)];
    console.log(`still face, jitter (mean frame-to-frame movement): raw ${jRaw.toFixed(4)}% IOD, smoothed ${jSmooth.toFixed(4)}% IOD (${((100 * jSmooth) / jRaw).toFixed(0)}%)`);
    expect(jRaw, 'the noise moves the raw landmarks').to.be.greaterThan(0.01);
    expect(jSmooth).to.be.lessThan(0.7 * jRaw);
  });

  it('moving face: the smoothed track follows the raw one with a bounded lag', async () => {
    const crop = await faceCrop();
    const frames = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t).imageData);
    const raw = await run(frames, false);
    const smooth = await run(frames, true);
    const lag = raw.slice(1).map((r, i) => distanceIod(r.faces[0].landmarks, smooth[i + 1].faces[0].landmarks));
    const mean = lag.reduce((a, b) => a + b, 0) / lag.length;
    console.log(`moving face, smoothed vs raw (lag): mean ${mean.toFixed(3)}% IOD, max ${Math.max(...lag).toFixed(3)}% IOD`);
    // First frame passes through; later frames are filtered but must stay on the face.
    expect(distanceIod(raw[0].faces[0].landmarks, smooth[0].faces[0].landmarks)).to.equal(0);
    expect(mean).to.be.greaterThan(0);
    expect(Math.max(...lag)).to.be.lessThan(10);
  });

  it('static images are never smoothed', async () => {
    await rt.api.setPipelineOptions({ smoothing: true, staticImageMode: true });
    const crop = await faceCrop();
    const a = await rt.api.process(noisy(crop, 1), { timestampMs: 1 });
    const b = await rt.api.process(noisy(crop, 1), { timestampMs: 2 });
    expect(distanceIod(a.faces[0].landmarks, b.faces[0].landmarks)).to.equal(0);
    await rt.api.setPipelineOptions({ staticImageMode: false });
  });

  it('transform: a 4x4 pose whose roll follows the picture rotation (-12 to +12 degrees)', async () => {
    await rt.api.setPipelineOptions({ transform: true, smoothing: false, staticImageMode: true });
    const crop = await faceCrop();
    const first = await rt.api.process(trackFrame(crop, 0).imageData);
    const last = await rt.api.process(trackFrame(crop, 29).imageData);
    const [t0, t1] = [first.faces[0].transform!, last.faces[0].transform!];
    expect(t0.matrix.length).to.equal(16);
    expect(t0.metricLandmarks.length).to.equal(468 * 3);
    const [e0, e1] = [matrixToEulerAngles(t0.matrix), matrixToEulerAngles(t1.matrix)];
    console.log(`pose at -12 deg: yaw ${e0.yaw.toFixed(1)} pitch ${e0.pitch.toFixed(1)} roll ${e0.roll.toFixed(1)}; at +12 deg: yaw ${e1.yaw.toFixed(1)} pitch ${e1.pitch.toFixed(1)} roll ${e1.roll.toFixed(1)}; translation z ${t0.matrix[14].toFixed(1)} cm`);
    // The canvas turned the picture clockwise on screen by 24 degrees: roll (counter-clockwise
    // positive) drops by about that much, while yaw and pitch hardly change.
    expect(e1.roll - e0.roll).to.be.within(-29, -19);
    expect(Math.abs(e1.yaw - e0.yaw)).to.be.below(5);
    expect(t0.matrix[14], 'the face is in front of the camera (-z)').to.be.below(0);
    // Mirror: yaw and roll change sign, pitch stays.
    await rt.api.setPipelineOptions({ mirror: true });
    const mirrored = await rt.api.process(trackFrame(crop, 0).imageData);
    const em = matrixToEulerAngles(mirrored.faces[0].transform!.matrix);
    expect(em.roll).to.be.closeTo(-e0.roll, 0.5);
    expect(em.yaw).to.be.closeTo(-e0.yaw, 0.5);
    expect(em.pitch).to.be.closeTo(e0.pitch, 0.5);
    await rt.api.setPipelineOptions({ mirror: false, transform: false, staticImageMode: false });
  });
});

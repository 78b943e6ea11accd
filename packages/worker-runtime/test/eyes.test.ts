/**
 * The `eyes` option on real pictures (the test photos, no ground truth): sanity checks that would
 * catch a wrong iris pair, a wrong camera model or a gaze in the wrong space. Synthetic faces with
 * known distance and gaze are tested in @face-mesh/geometry's eyes.test.ts.
 */
import { expect } from 'chai';
import type { EyeMeasurement, FrameResult } from '../src/index.js';
import { spawnRuntime, WASM_BASE, MODEL_URLS, GEOMETRY_URL } from './spawn.js';
import { faceCrop, noisy, trackFrame } from './parity/frames.js';

const angleBetween = (a: EyeMeasurement, b: EyeMeasurement): number =>
  (Math.acos(Math.min(1, a.gaze!.x * b.gaze!.x + a.gaze!.y * b.gaze!.y + a.gaze!.z * b.gaze!.z)) * 180) / Math.PI;

const describeEye = (e: EyeMeasurement): string =>
  `${e.distanceMm.toFixed(0)} mm, iris ${e.irisDiameterPx.toFixed(1)} px, gaze yaw ${e.gaze!.yaw.toFixed(1)} pitch ${e.gaze!.pitch.toFixed(1)}, ${e.cameraAngle!.toFixed(1)}° off the camera`;

describe('eyes option on the test pictures', function () {
  this.timeout(600_000);
  let rt: ReturnType<typeof spawnRuntime>;
  before(async () => {
    rt = spawnRuntime();
    await rt.api.init({ wasmBase: WASM_BASE });
    await rt.api.createPipeline({ ...MODEL_URLS, geometry: GEOMETRY_URL }, { maxFaces: 1, eyes: true, smoothing: false });
  });
  after(() => rt.worker.terminate());

  async function still(image: ImageData, options = {}): Promise<FrameResult> {
    await rt.api.setPipelineOptions({ eyes: true, mirror: false, fov: 63, ...options });
    return rt.api.process(image, { stillImage: true });
  }

  it('the face crop (a woman looking into the lens): both eyes at one distance, gazes parallel, towards the camera', async () => {
    const crop = await faceCrop();
    const [face] = (await still(crop.imageData)).faces;
    const { left, right } = face.eyes!;
    console.log(`eyes, face crop: left ${describeEye(left)}; right ${describeEye(right)}; eyes ${angleBetween(left, right).toFixed(1)}° apart`);
    expect(face.transform).to.equal(undefined); // the pose is computed for the eyes, not reported
    expect(left.distanceMm).to.be.within(200, 1500);
    expect(right.distanceMm / left.distanceMm).to.be.within(0.85, 1.15);
    // the irises' pixel size matches the iris landmarks' spread (a wrong point pairing would halve it)
    const l = face.landmarks;
    const spread = Math.hypot(l[3 * 469] - l[3 * 471], l[3 * 469 + 1] - l[3 * 471 + 1]);
    expect(left.irisDiameterPx / spread).to.be.within(0.8, 1.25);
    expect(angleBetween(left, right)).to.be.lessThan(10);
    expect(left.cameraAngle).to.be.lessThan(20);
    expect(right.cameraAngle).to.be.lessThan(20);
  });

  it('the moving sequence (the crop scaled 0.65-0.95, rotated, moved): distance x scale stays constant', async () => {
    const crop = await faceCrop();
    const products: number[] = [];
    for (let t = 0; t < 30; t += 3) {
      const [face] = (await still(trackFrame(crop, t).imageData)).faces;
      const scale = 0.65 + 0.3 * Math.sin((Math.PI * t) / 29);
      const { left, right } = face.eyes!;
      products.push(((left.distanceMm + right.distanceMm) / 2) * scale);
      expect(angleBetween(left, right)).to.be.lessThan(10);
    }
    const mean = products.reduce((a, b) => a + b, 0) / products.length;
    const worst = Math.max(...products.map((p) => Math.abs(p / mean - 1)));
    console.log(`eyes, moving sequence: distance x scale ${mean.toFixed(0)} mm, worst frame ${(100 * worst).toFixed(1)}% off`);
    expect(worst).to.be.lessThan(0.08);
  });

  it('mirror swaps the eyes and flips x; fov scales the distance with the focal length', async () => {
    const crop = await faceCrop();
    const plain = (await still(crop.imageData)).faces[0].eyes!;
    const mirrored = (await still(crop.imageData, { mirror: true })).faces[0].eyes!;
    expect(mirrored.left.distanceMm).to.be.closeTo(plain.right.distanceMm, 1e-3);
    expect(mirrored.left.gaze!.x).to.be.closeTo(-plain.right.gaze!.x, 1e-6);
    expect(mirrored.left.gaze!.y).to.be.closeTo(plain.right.gaze!.y, 1e-6);
    const narrow = (await still(crop.imageData, { fov: 40 })).faces[0].eyes!;
    const focalRatio = Math.tan((31.5 * Math.PI) / 180) / Math.tan((20 * Math.PI) / 180);
    expect(narrow.left.distanceMm / plain.left.distanceMm).to.be.closeTo(focalRatio, 0.02 * focalRatio);
  });

  it('a still face with sensor noise, as video: smoothing steadies the distance and the gaze', async () => {
    const crop = await faceCrop();
    const frames = Array.from({ length: 40 }, (_, t) => noisy(crop, t + 1));
    const jitter = async (smoothing: boolean): Promise<{ distance: number; gaze: number }> => {
      await rt.api.setPipelineOptions({ eyes: true, mirror: false, fov: 63, smoothing, staticImageMode: false });
      await rt.api.resetPipeline();
      const eyes: EyeMeasurement[] = [];
      for (let t = 0; t < frames.length; t++) eyes.push((await rt.api.process(frames[t], { timestampMs: 1000 + (t * 1000) / 30 })).faces[0].eyes!.left);
      let distance = 0;
      let gaze = 0;
      for (let t = 11; t < eyes.length; t++) {
        distance += Math.abs(eyes[t].distanceMm / eyes[t - 1].distanceMm - 1);
        gaze += angleBetween(eyes[t], eyes[t - 1]);
      }
      return { distance: distance / (eyes.length - 11), gaze: gaze / (eyes.length - 11) };
    };
    const raw = await jitter(false);
    const smooth = await jitter(true);
    console.log(`eyes, still noisy face, frame to frame: distance ${(100 * raw.distance).toFixed(2)}% raw, ${(100 * smooth.distance).toFixed(2)}% smoothed; gaze ${raw.gaze.toFixed(2)}° raw, ${smooth.gaze.toFixed(2)}° smoothed`);
    expect(smooth.distance).to.be.lessThan(raw.distance);
    expect(smooth.gaze).to.be.lessThan(raw.gaze);
  });

  it('a bad fov is refused with a message', async () => {
    let message = '';
    await rt.api.setPipelineOptions({ fov: 0 }).catch((e: Error) => (message = e.message));
    expect(message).to.match(/fov .* between 0 and 180/);
  });
});

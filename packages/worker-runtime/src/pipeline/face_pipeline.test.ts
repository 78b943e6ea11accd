/**
 * FacePipeline's rules on fake models (test/fake_models.ts: a face is a bright square): when the
 * detector runs in video mode (detectionIntervalMs, maxFaces, lost faces, still images, a clock that
 * goes back) and how faces get their ids. Frames carry explicit timestamps (a camera at 25 fps: 40 ms
 * apart), so which frames run the detector is exact. The same rules on the real models, in the
 * worker: test/detection_interval.test.ts, test/face_ids.test.ts (a few end-to-end cases).
 */
import { expect } from 'chai';
import { FakeDetector, FakeMesh, squaresFrame } from '../../test/fake_models.js';
import { FacePipeline } from './face_pipeline.js';
import type { FrameResult, PipelineOptions } from './types.js';

const FRAME_MS = 40;
const VIDEO: Partial<PipelineOptions> = { staticImageMode: false, maxFaces: 2, smoothing: false };
const SIZE = 256;
const ONE = squaresFrame(SIZE, [[20, 90, 60]]);
const TWO = squaresFrame(SIZE, [[20, 90, 60], [170, 90, 60]]);
const NONE = squaresFrame(SIZE, []);

function pipeline(options: Partial<PipelineOptions> = {}): { p: FacePipeline; detector: FakeDetector; mesh: FakeMesh } {
  const detector = new FakeDetector();
  const mesh = new FakeMesh();
  return { p: new FacePipeline(detector, mesh, { ...VIDEO, ...options }), detector, mesh };
}

/** Frames i = 0, 1, ... at 1000 + i * FRAME_MS ms. */
function play(p: FacePipeline, frames: readonly ReturnType<typeof squaresFrame>[], start = 1000): FrameResult[] {
  return frames.map((f, i) => p.process(f, { timestampMs: start + i * FRAME_MS }));
}

describe('FacePipeline on fake models', () => {
  it('the fakes: a square is one face from the detector, tracked on the next frame at the same place', () => {
    const { p, detector, mesh } = pipeline({ maxFaces: 1 });
    const [a, b] = play(p, [ONE, ONE]);
    expect(a!.detectorRan).to.equal(true);
    expect(b!.detectorRan).to.equal(false);
    expect([detector.runs, mesh.runs]).to.deep.equal([1, 2]);
    for (const r of [a!, b!]) {
      expect(r.faces).to.have.length(1);
      const { xCenter, yCenter, width } = r.faces[0]!.roi;
      // The square's centre (50, 120) and 1.5 times its side, within a pixel.
      expect(xCenter * SIZE).to.be.closeTo(50, 1);
      expect(yCenter * SIZE).to.be.closeTo(120, 1);
      expect(width * SIZE).to.be.closeTo(90, 2);
    }
    expect(b!.faces[0]!.id).to.equal(a!.faces[0]!.id);
    expect(play(p, [NONE], 2000)[0]!.faces, 'no square: no face').to.have.length(0);
  });

  describe('detector cadence (detectionIntervalMs)', () => {
    it('defaults to 0: every frame while fewer faces than maxFaces are tracked', () => {
      const { p } = pipeline();
      expect(p.getOptions().detectionIntervalMs).to.equal(0);
      expect(play(p, Array(6).fill(ONE)).map((r) => r.detectorRan)).to.deep.equal(Array(6).fill(true));
    });

    it('one face tracked, maxFaces 2, 100 ms: runs on the frames 100 ms apart; the face is tracked on all with one id', () => {
      const { p, detector } = pipeline({ detectionIntervalMs: 100 });
      const results = play(p, Array(10).fill(ONE));
      // 40 ms frames: runs at 0, 120, 240, 360 ms (the first frame at least 100 ms after the last run).
      expect(results.map((r) => r.detectorRan)).to.deep.equal([true, false, false, true, false, false, true, false, false, true]);
      expect(detector.runs).to.equal(4);
      expect(results.map((r) => r.faces.length)).to.deep.equal(Array(10).fill(1));
      expect(new Set(results.map((r) => r.faces[0]!.id)).size).to.equal(1);
    });

    it('maxFaces 1 never runs it once the face is tracked; with no face tracked it runs on every frame', () => {
      expect(play(pipeline({ maxFaces: 1, detectionIntervalMs: 100 }).p, Array(5).fill(ONE)).map((r) => r.detectorRan)).to.deep.equal([true, false, false, false, false]);
      expect(play(pipeline({ detectionIntervalMs: 1000 }).p, Array(5).fill(NONE)).map((r) => r.detectorRan)).to.deep.equal(Array(5).fill(true));
    });

    it('maxFaces 2 with two faces tracked: never, whatever the interval', () => {
      expect(play(pipeline({ detectionIntervalMs: 0 }).p, Array(5).fill(TWO)).map((r) => r.detectorRan)).to.deep.equal([true, false, false, false, false]);
    });

    it('a still image in between always runs it and leaves the video cadence as it was', () => {
      const { p } = pipeline({ detectionIntervalMs: 100 });
      play(p, [ONE, ONE]);
      const still = p.process(TWO, { stillImage: true });
      expect(still.detectorRan).to.equal(true);
      expect(still.faces, 'the still image: both faces').to.have.length(2);
      // Video frames go on at 80 and 120 ms: the still image did not count as a run, nor changed the tracked face.
      const at80 = p.process(ONE, { timestampMs: 1080 });
      expect(at80.detectorRan).to.equal(false);
      expect(at80.faces).to.have.length(1);
      expect(p.process(ONE, { timestampMs: 1120 }).detectorRan).to.equal(true);
    });

    it('a frame time that goes back (a new source) runs it', () => {
      const { p } = pipeline({ detectionIntervalMs: 100 });
      play(p, [ONE, ONE]);
      expect(p.process(ONE, { timestampMs: 500 }).detectorRan).to.equal(true);
    });

    it('a tracked face that is lost is looked for on the next frame, whatever the interval', () => {
      // Two faces tracked (no detector), then the right one leaves: lost on that frame; the next
      // frame runs the detector although the interval (10 s) is far from over.
      const results = play(pipeline({ detectionIntervalMs: 10_000 }).p, [TWO, TWO, ONE, ONE, ONE]);
      expect(results.map((r) => r.faces.length)).to.deep.equal([2, 2, 1, 1, 1]);
      expect(results.map((r) => r.detectorRan)).to.deep.equal([true, false, false, true, false]);
    });

    it('a second face that appears is found within the interval plus one frame, whatever the phase', () => {
      const interval = 100;
      for (let appear = 1; appear <= 4; appear++) {
        const frames = Array.from({ length: appear + 5 }, (_, i) => (i < appear ? ONE : TWO));
        const results = play(pipeline({ detectionIntervalMs: interval }).p, frames);
        const found = results.findIndex((r) => r.faces.length === 2);
        expect(found, `second face from frame ${appear}: found`).to.be.greaterThan(-1);
        expect((found - appear) * FRAME_MS, `second face from frame ${appear}: ms to find it`).to.be.at.most(interval + FRAME_MS);
        expect(results[found]!.detectorRan).to.equal(true);
      }
    });

    it('readRegion: the tracked crops when the detector will not run, null (the whole frame) when it will', () => {
      const { p } = pipeline({ maxFaces: 1 });
      expect(p.readRegion(SIZE, SIZE, { timestampMs: 1000 }), 'nothing tracked').to.equal(null);
      play(p, [ONE]);
      const r = p.readRegion(SIZE, SIZE, { timestampMs: 1040 })!;
      expect(r.x).to.be.at.most(5);
      expect(r.x + r.width).to.be.at.least(95);
      expect(r.width).to.be.below(SIZE);
      expect(p.readRegion(SIZE, SIZE, { stillImage: true }), 'a still image').to.equal(null);
    });

    it('a negative, infinite or non-number interval is a RangeError naming the option', () => {
      const { p } = pipeline();
      for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN, '100' as unknown as number]) {
        expect(() => p.setOptions({ detectionIntervalMs: bad }), String(bad)).to.throw(RangeError, /detectionIntervalMs/);
      }
    });
  });

  describe('face ids', () => {
    it('a tracked face keeps its id; after a reset it gets a new, larger one', () => {
      const { p } = pipeline({ maxFaces: 1 });
      // The square moves 3 px a frame: tracked, not re-detected.
      const frames = Array.from({ length: 10 }, (_, t) => squaresFrame(SIZE, [[20 + 3 * t, 90, 60]]));
      const results = play(p, frames);
      expect(results.slice(1).every((r) => !r.detectorRan)).to.equal(true);
      const ids = results.map((r) => r.faces[0]!.id);
      expect(new Set(ids).size, `ids ${ids.join(',')}`).to.equal(1);
      p.reset();
      const again = p.process(ONE, { timestampMs: 5000 });
      expect(again.detectorRan).to.equal(true);
      expect(again.faces[0]!.id).to.be.greaterThan(ids[0]!);
    });

    it('a face lost and found again gets a new id; ids are never reused', () => {
      const { p } = pipeline({ maxFaces: 1 });
      const results = play(p, [ONE, ONE, NONE, ONE, ONE]);
      expect(results.map((r) => r.faces.length)).to.deep.equal([1, 1, 0, 1, 1]);
      const [first, , , back] = results.map((r) => r.faces[0]?.id);
      expect(back).to.be.greaterThan(first!);
      expect(results[4]!.faces[0]!.id).to.equal(back);
    });

    it('two faces in one frame get distinct ids, each kept while tracked', () => {
      const results = play(pipeline().p, [TWO, TWO, TWO]);
      const ids = results.map((r) => r.faces.map((f) => f.id).sort());
      expect(new Set(ids[0]).size).to.equal(2);
      expect(ids[1]).to.deep.equal(ids[0]);
      expect(ids[2]).to.deep.equal(ids[0]);
    });

    it('static images: every face of every frame gets a new id', () => {
      const { p } = pipeline({ staticImageMode: true, maxFaces: 4 });
      const [a, b] = play(p, [TWO, TWO]);
      expect(a!.detectorRan && b!.detectorRan).to.equal(true);
      const idsA = a!.faces.map((f) => f.id);
      const idsB = b!.faces.map((f) => f.id);
      expect(new Set([...idsA, ...idsB]).size, 'no id reused').to.equal(4);
      expect(Math.min(...idsB)).to.be.greaterThan(Math.max(...idsA));
    });
  });
});

/**
 * Fake detector and mesh runners for FacePipeline (as MediaPipe's web tests fake their tasks'
 * graphs): they read the inputs the pipeline gives them, so its crops, ROIs and tracking really run,
 * but a "face" is any bright axis-aligned square on a dark frame. No model, no wasm: a frame takes
 * well under a millisecond, so the pipeline's rules (detector cadence, face ids) are unit tests.
 *
 * - FakeDetector finds each bright blob of the 128x128 letterboxed input and answers like BlazeFace:
 *   one anchor per blob with a high score, its box and keypoints (eyes level) in the regressors.
 * - FakeMesh answers a 192x192 crop with 468 points spanning the bright pixels' box (landmarks 33 and
 *   263 at its left and right middle, so the next ROI is upright) and a high face-flag logit; a crop
 *   with no bright pixel gets a low one (the face is lost).
 * A square of the frame therefore yields the same ROI from the detector and from tracking.
 */
import {
  DETECTOR_BOX_SCALE,
  DETECTOR_INPUT_SIZE,
  DETECTOR_NUM_COORDS,
  LANDMARK_ROTATION_END,
  LANDMARK_ROTATION_START,
  MESH_INPUT_SIZE,
  generateAnchors,
} from '@face-mesh/geometry';
import type { RgbaImage } from '../src/pipeline/image_to_tensor.js';
import type { DetectorRunner, MeshRawOutputs, MeshRunner } from '../src/pipeline/types.js';

const PRESENT = 10;
const ABSENT = -10;

interface Box { x0: number; y0: number; x1: number; y1: number }

/** Bounding boxes (pixel indices, inclusive) of the 4-connected runs of pixels where `bright(i)`. */
function blobs(width: number, height: number, bright: (i: number) => boolean): Box[] {
  const seen = new Uint8Array(width * height);
  const out: Box[] = [];
  for (let start = 0; start < seen.length; start++) {
    if (seen[start] || !bright(start)) continue;
    const box = { x0: width, y0: height, x1: -1, y1: -1 };
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width, y = (i - x) / width;
      box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y);
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        const n = ny * width + nx;
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && !seen[n] && bright(n)) {
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
    out.push(box);
  }
  return out;
}

export class FakeDetector implements DetectorRunner {
  /** How many times the pipeline ran it. */
  runs = 0;
  private readonly anchors = generateAnchors();

  run(input?: Float32Array): { regressors: Float32Array; scores: Float32Array } {
    if (!input) throw new Error('FakeDetector reads its input from the pipeline');
    this.runs++;
    const n = this.anchors.length / 2;
    const regressors = new Float32Array(n * DETECTOR_NUM_COORDS);
    const scores = new Float32Array(n).fill(ABSENT);
    const size = DETECTOR_INPUT_SIZE;
    // Input values are in [-1, 1]; bright: the red channel above 0.
    for (const b of blobs(size, size, (i) => input[3 * i]! > 0)) {
      const cx = (b.x0 + b.x1 + 1) / 2 / size, cy = (b.y0 + b.y1 + 1) / 2 / size;
      const w = (b.x1 - b.x0 + 1) / size, h = (b.y1 - b.y0 + 1) / size;
      const anchor = this.nearestAnchor(cx, cy);
      const [ax, ay] = [this.anchors[2 * anchor]!, this.anchors[2 * anchor + 1]!];
      const row = regressors.subarray(anchor * DETECTOR_NUM_COORDS, (anchor + 1) * DETECTOR_NUM_COORDS);
      // Box centre and size, then 6 keypoints: the eyes level (keypoints 0 and 1), the rest at the centre.
      const points = [cx, cy, w, h, cx - w / 4, cy, cx + w / 4, cy, cx, cy, cx, cy, cx, cy, cx, cy];
      for (let k = 0; k < points.length; k++) {
        const anchorPart = k < 2 || k >= 4 ? (k % 2 === 0 ? ax : ay) : 0;
        row[k] = (points[k]! - anchorPart) * DETECTOR_BOX_SCALE;
      }
      scores[anchor] = PRESENT;
    }
    return { regressors, scores };
  }

  private nearestAnchor(x: number, y: number): number {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < this.anchors.length / 2; i++) {
      const d = (this.anchors[2 * i]! - x) ** 2 + (this.anchors[2 * i + 1]! - y) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    return best;
  }
}

export class FakeMesh implements MeshRunner {
  runs = 0;

  run(input?: Float32Array): MeshRawOutputs {
    if (!input) throw new Error('FakeMesh reads its input from the pipeline');
    this.runs++;
    const size = MESH_INPUT_SIZE;
    const empty = new Float32Array(0);
    const mesh = new Float32Array(468 * 3);
    // Input values are in [0, 1]; the crop's bright pixels, as one box.
    let [x0, y0, x1, y1] = [size, size, -1, -1];
    for (let i = 0; i < size * size; i++) {
      if (!(input[3 * i]! > 0.5)) continue;
      const x = i % size, y = (i - x) / size;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x + 1);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y + 1);
    }
    if (x1 < 0) return { mesh, lips: empty, leftEye: empty, rightEye: empty, leftIris: empty, rightIris: empty, faceFlag: ABSENT };
    // A 22 x 22 grid over the box (468 of its 484 points), then the two rotation landmarks level.
    for (let k = 0; k < 468; k++) {
      mesh[3 * k] = x0 + ((k % 22) / 21) * (x1 - x0);
      mesh[3 * k + 1] = y0 + (Math.floor(k / 22) / 21) * (y1 - y0);
    }
    const midY = (y0 + y1) / 2;
    mesh.set([x0, midY, 0], 3 * LANDMARK_ROTATION_START);
    mesh.set([x1, midY, 0], 3 * LANDMARK_ROTATION_END);
    return { mesh, lips: empty, leftEye: empty, rightEye: empty, leftIris: empty, rightIris: empty, faceFlag: PRESENT };
  }
}

/** A dark `size` x `size` RGBA frame with a bright square (a "face") at each [x, y, side] (pixels). */
export function squaresFrame(size: number, squares: readonly (readonly [number, number, number])[]): RgbaImage {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (const [x, y, side] of squares) {
    for (let row = y; row < y + side; row++) data.fill(255, 4 * (row * size + x), 4 * (row * size + x + side));
  }
  return { data, width: size, height: size };
}

/**
 * The landmarks file format of `face-mesh landmarks` (one JSON file, or one JSONL line, per image):
 * a FrameResult as plain JSON, pixels of the decoded image throughout. Pure: the browser CLI page
 * (tools/landmarks-page.ts) writes the same records.
 */
import type { FaceResult, FrameResult } from '@face-mesh/worker-runtime';

type Point2 = [number, number];
type Point3 = [number, number, number];

export interface LandmarksRecord {
  width: number;
  height: number;
  num_faces: number;
  /** 478 x [x, y, z] per face; z = normalized z * width. */
  faces: Point3[][];
  /** Face-presence score (sigmoid of the face flag) per face. */
  scores: number[];
  regions: Record<'lips' | 'leftEye' | 'rightEye' | 'leftIris' | 'rightIris', Point2[]>[];
  /** The crop that produced each face: normalized centre and size, rotation in radians. */
  rois: { xCenter: number; yCenter: number; width: number; height: number; rotation: number }[];
  /** Per face: where the detector found it (box and 6 keypoints in pixels), or null when the crop came from tracking. */
  detections: ({ score: number; box: { xMin: number; yMin: number; xMax: number; yMax: number }; keypoints: Point2[] } | null)[];
  detector_ran: boolean;
  timings_ms: { detector: number; crop: number; mesh: number; post: number; total: number };
}

function points3(a: Float32Array): Point3[] {
  const out: Point3[] = [];
  for (let i = 0; i < a.length; i += 3) out.push([a[i], a[i + 1], a[i + 2]]);
  return out;
}

function points2(a: Float32Array, sx = 1, sy = 1): Point2[] {
  const out: Point2[] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i] * sx, a[i + 1] * sy]);
  return out;
}

function detectionRecord(face: FaceResult, width: number, height: number): LandmarksRecord['detections'][number] {
  const d = face.detection;
  if (!d) return null;
  return {
    score: d.score,
    box: { xMin: d.box.xMin * width, yMin: d.box.yMin * height, xMax: d.box.xMax * width, yMax: d.box.yMax * height },
    keypoints: points2(d.keypoints, width, height),
  };
}

export function landmarksRecord(result: FrameResult): LandmarksRecord {
  const { width, height, faces } = result;
  const t = result.timings;
  return {
    width,
    height,
    num_faces: faces.length,
    faces: faces.map((f) => points3(f.landmarks)),
    scores: faces.map((f) => f.score),
    regions: faces.map(({ regions: r }) => ({ lips: points2(r.lips), leftEye: points2(r.leftEye), rightEye: points2(r.rightEye), leftIris: points2(r.leftIris), rightIris: points2(r.rightIris) })),
    rois: faces.map(({ roi: { xCenter, yCenter, width: w, height: h, rotation } }) => ({ xCenter, yCenter, width: w, height: h, rotation })),
    detections: faces.map((f) => detectionRecord(f, width, height)),
    detector_ran: result.detectorRan,
    timings_ms: { detector: t.detectorMs, crop: t.cropMs, mesh: t.meshMs, post: t.postMs, total: t.totalMs },
  };
}

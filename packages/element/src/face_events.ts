/**
 * The per-frame events: `landmarks` for every result, and `facefound` / `facelost` from the face
 * ids that appear in or leave the results.
 */
import { FaceFoundEvent, FaceLostEvent, LandmarksEvent, type LandmarksDetail } from './events.js';

export class FaceEvents {
  /** Ids of the faces in the last result. */
  private ids = new Set<number>();

  constructor(private readonly host: EventTarget) {}

  /** A processed frame of the live source (or a `src` image): `landmarks`, then the faces found and lost. */
  result(r: LandmarksDetail): void {
    this.host.dispatchEvent(new LandmarksEvent({
      timestamp: r.timestamp,
      width: r.width,
      height: r.height,
      faces: r.faces,
      timings: r.timings,
      detectorRan: r.detectorRan,
      dropped: r.dropped,
      busy: r.busy,
      threads: r.threads,
    }));
    const count = r.faces.length;
    const ids = new Set(r.faces.map((f) => f.id));
    for (const id of this.ids) if (!ids.has(id)) this.host.dispatchEvent(new FaceLostEvent({ id, count, timestamp: r.timestamp }));
    for (const id of ids) if (!this.ids.has(id)) this.host.dispatchEvent(new FaceFoundEvent({ id, count, timestamp: r.timestamp }));
    this.ids = ids;
  }

  /** The source stopped: every face still tracked is lost. */
  loseAll(): void {
    const timestamp = performance.now();
    for (const id of this.ids) this.host.dispatchEvent(new FaceLostEvent({ id, count: 0, timestamp }));
    this.ids = new Set();
  }
}

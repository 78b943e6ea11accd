/**
 * `detection-interval` on the fake camera (tools/test-clip.mjs: 2 s of one face, 1 s of grey,
 * looping, 15 fps) with max-faces="2": once the face is tracked, the detector runs at most once per
 * interval of frame time (detail.timestamp, the clock the worker's pipeline uses); with 0 on every frame.
 */
import { expect } from 'chai';
import type { LandmarksEvent } from '../src/index.js';
import { createFaceMesh, nextEvent } from './helpers.js';
import '../src/define.js';

interface Seen { timestamp: number; faces: number; detectorRan: boolean }

/** Every landmarks event of `el` for `ms` once a face is seen. */
async function record(el: HTMLElement, ms: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const on = (e: Event) => {
    const d = (e as LandmarksEvent).detail;
    seen.push({ timestamp: d.timestamp, faces: d.faces.length, detectorRan: d.detectorRan });
  };
  el.addEventListener('landmarks', on);
  await nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length === 1);
  await new Promise((r) => setTimeout(r, ms));
  el.removeEventListener('landmarks', on);
  return seen;
}

/** Frames whose previous frame tracked the face (so the detector ran only for the cadence's sake). */
function trackedFrames(seen: Seen[]): { frame: Seen; lastRun: number }[] {
  const out: { frame: Seen; lastRun: number }[] = [];
  let lastRun = -Infinity;
  for (let i = 1; i < seen.length; i++) {
    if (seen[i - 1]!.detectorRan) lastRun = seen[i - 1]!.timestamp;
    if (seen[i - 1]!.faces === 1) out.push({ frame: seen[i]!, lastRun });
  }
  return out;
}

describe('<face-mesh> detection-interval', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured

  it('defaults to 200 ms; the attribute sets the property', async () => {
    const el = document.createElement('face-mesh') as HTMLElement & { detectionInterval: number };
    expect(el.detectionInterval).to.equal(200);
    el.setAttribute('detection-interval', '400');
    expect(el.detectionInterval).to.equal(400);
  });

  it('max-faces="2", one face: the detector runs once per 400 ms of frame time, then on every frame with 0', async () => {
    const el = createFaceMesh({ 'max-faces': '2', 'detection-interval': '400' }) as HTMLElement & { start(): Promise<void>; detectionInterval: number };
    try {
      const started = el.start();
      const spaced = await record(el, 2500);
      await started;
      const tracked = trackedFrames(spaced);
      const runs = tracked.filter((t) => t.frame.detectorRan);
      expect(tracked.length, 'frames with the face tracked').to.be.greaterThan(10);
      expect(runs.length, 'the detector ran again while one face was tracked').to.be.greaterThan(0);
      expect(tracked.filter((t) => !t.frame.detectorRan).length, 'and skipped frames').to.be.greaterThan(runs.length);
      for (const { frame, lastRun } of runs) expect(frame.timestamp - lastRun, 'ms since its last run').to.be.at.least(400);

      el.detectionInterval = 0;
      await new Promise((r) => setTimeout(r, 300)); // the option reaches the worker
      const every = trackedFrames(await record(el, 1500));
      expect(every.length).to.be.greaterThan(5);
      expect(every.filter((t) => !t.frame.detectorRan), 'frames without the detector').to.deep.equal([]);
    } finally {
      el.remove();
    }
  });
});

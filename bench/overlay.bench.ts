/**
 * `npm run bench:overlay`: what drawing the overlay costs the worker per frame, by mode — the line
 * modes, and overlay="texture" (the demo's makeup texture) with WebGL2 and with the Canvas2D fallback.
 * The worker draws on a canvas of the page (transferred, composited like the element's), after each
 * frame's pipeline; the time is the pipeline's own `timings.overlayMs`. A script, not a test: it prints
 * a markdown table.
 */
import * as Comlink from 'comlink';
import type { FrameResult } from '../packages/worker-runtime/src/index.js';
import { faceCrop, loadSample, trackFrame } from '../packages/worker-runtime/test/parity/frames.js';
import { GEOMETRY_URL, MODEL_URLS, spawnRuntime, WASM_BASE } from '../packages/worker-runtime/test/spawn.js';
import { mp, stats, type Stats } from './stats.js';

const QUICK = new URLSearchParams(location.search).has('quick');
const FRAMES = QUICK ? 10 : 120;
const WARMUP = 5;
const TEXTURE = '/demo/media/makeup.png';

type Setting = { label: string; mode: 'contours' | 'mesh' | 'texture'; backend?: 'webgl2' | 'canvas2d' };
const SETTINGS: Setting[] = [
  { label: 'contours', mode: 'contours' },
  { label: 'mesh (898 triangles\' edges + contours)', mode: 'mesh' },
  { label: 'texture, WebGL2', mode: 'texture', backend: 'webgl2' },
  { label: 'texture, Canvas2D fallback', mode: 'texture', backend: 'canvas2d' },
];

it('overlay cost per frame', async () => {
  const rt = spawnRuntime();
  try {
    await rt.api.init({ wasmBase: WASM_BASE, threads: 'off' });
    await rt.api.createPipeline({ ...MODEL_URLS, geometry: GEOMETRY_URL }, { maxFaces: 6 });
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    const offscreen = canvas.transferControlToOffscreen();
    await rt.api.setOverlay(Comlink.transfer(offscreen, [offscreen]), 'none', GEOMETRY_URL);

    const crop = await faceCrop();
    const sequence = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t).imageData);
    // The group photo with the most faces, as still images (every frame detects them all).
    let group = { name: '', image: sequence[0], faces: 0 };
    for (const name of ['sample2', 'sample3', 'sample4', 'sample5', 'sample6']) {
      const image = (await loadSample(name)).imageData;
      const faces = (await rt.api.process(image, { stillImage: true })).faces.length;
      if (faces > group.faces) group = { name, image, faces };
    }

    const rows: string[] = [];
    const json: Record<string, { oneFace: Stats; group: Stats }> = {};
    for (const s of SETTINGS) {
      await rt.api.setOverlayMode(s.mode);
      await rt.api.setOverlayTexture(s.mode === 'texture' ? TEXTURE : null, s.backend ? { backend: s.backend } : undefined);
      const one: number[] = [];
      await rt.api.resetPipeline();
      for (let i = 0; i < FRAMES + WARMUP; i++) {
        // the sequence back and forth, tracked
        const k = i % 58;
        const r: FrameResult = await rt.api.process(sequence[k < 30 ? k : 58 - k]);
        if (i >= WARMUP && r.faces.length) one.push(r.timings.overlayMs ?? NaN);
      }
      const many: number[] = [];
      for (let i = 0; i < Math.max(5, FRAMES / 4) + WARMUP; i++) {
        const r = await rt.api.process(group.image, { stillImage: true });
        if (i >= WARMUP) many.push(r.timings.overlayMs ?? NaN);
      }
      json[s.label] = { oneFace: stats(one), group: stats(many) };
      rows.push(`| ${s.label} | ${mp(json[s.label].oneFace)} | ${mp(json[s.label].group)} |`);
    }
    const markdown = [
      `overlay drawing in the worker, ms per frame, median / p90 (${navigator.hardwareConcurrency} cores; ${FRAMES} frames)`,
      '',
      `| overlay | 640x480, one face (tracking) | ${group.name} ${group.image.width}x${group.image.height}, ${group.faces} faces |`,
      '|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(`\n${markdown}\n\n${JSON.stringify(json)}\n`);
  } finally {
    rt.worker.terminate();
  }
});

/**
 * process() owns the frames it is given (transferred from the page): it closes each one, after the
 * result has been handed back (Comlink posts the reply first, then the next task frees the frame's
 * memory), and also when the call fails. Runs the API on this page (no worker) to see the frame.
 */
import { expect } from 'chai';
import { runtimeApi } from '../src/api/runtime_api.js';
import { faceCrop, trackFrame } from './parity/frames.js';
import { MODEL_URLS, WASM_BASE } from './spawn.js';

/** Resolves after `n` tasks (each a setTimeout 0, queued after those already due). */
const tasks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('process() closes the frames it is given', function () {
  this.timeout(120_000);
  let frame: ImageData;

  before(async () => {
    await runtimeApi.init({ wasmBase: WASM_BASE, binary: 'simd' });
    await runtimeApi.createPipeline(MODEL_URLS, { maxFaces: 1 });
    frame = trackFrame(await faceCrop(), 0).imageData;
  });

  after(async () => {
    await runtimeApi.disposePipeline();
  });

  it('an ImageBitmap is still open when the result is handed back, and closed one task later', async () => {
    const bitmap = await createImageBitmap(frame);
    const result = await runtimeApi.process(bitmap);
    expect(result.faces).to.have.length(1);
    expect(bitmap.width, 'closed before the reply').to.equal(640);
    await tasks(1);
    expect(bitmap.width, 'not closed: its memory waits for GC').to.equal(0);
  });

  it('a VideoFrame likewise', async () => {
    const bitmap = await createImageBitmap(frame);
    const video = new VideoFrame(bitmap, { timestamp: 0 });
    bitmap.close();
    const result = await runtimeApi.process(video);
    expect(result.faces).to.have.length(1);
    expect(video.format, 'closed before the reply').to.not.equal(null);
    await tasks(1);
    expect(video.format, 'not closed').to.equal(null);
  });

  it('a frame of a call that fails is closed too', async () => {
    await runtimeApi.disposePipeline();
    try {
      const bitmap = await createImageBitmap(frame);
      let error: unknown;
      await runtimeApi.process(bitmap).catch((e: unknown) => { error = e; });
      expect(String(error)).to.match(/createPipeline/);
      await tasks(1);
      expect(bitmap.width, 'not closed').to.equal(0);
    } finally {
      await runtimeApi.createPipeline(MODEL_URLS, { maxFaces: 1 });
    }
  });
});

// byteRanges on a real dev server, in both of its shapes: files as streams (the demo server) and
// files read into Buffers by a transform plugin (the test runner, whose esbuild plugin reads them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@web/dev-server';
import { byteRanges } from './dev-server-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIP = '/demo/media/sample-clip.webm';
const clip = readFileSync(path.join(root, CLIP));

for (const [shape, plugins] of [['stream', []], ['buffer', [{ name: 'reads-every-body', transform: () => undefined }]]]) {
  // (a time limit: a server that never answers fails this test instead of holding `npm test`)
  test(`byteRanges answers a range request with 206 and those bytes (files as a ${shape})`, { timeout: 30_000 }, async () => {
    const server = await startDevServer({
      config: { rootDir: root, port: 0, hostname: '127.0.0.1', middleware: [byteRanges], plugins, watch: false },
      readCliArgs: false,
      readFileConfig: false,
      logStartMessage: false,
    });
    try {
      const url = `http://127.0.0.1:${server.server.address().port}${CLIP}`;
      const get = async (range) => {
        const res = await fetch(url, { headers: range ? { Range: range } : {} });
        return { status: res.status, range: res.headers.get('content-range'), accept: res.headers.get('accept-ranges'), bytes: Buffer.from(await res.arrayBuffer()) };
      };
      const whole = await get();
      assert.equal(whole.status, 200);
      assert.equal(whole.accept, 'bytes');
      assert.ok(whole.bytes.equals(clip));
      // What WebKitGTK's media player sends to resume a download.
      const tail = await get('bytes=1000-');
      assert.equal(tail.status, 206);
      assert.equal(tail.range, `bytes 1000-${clip.length - 1}/${clip.length}`);
      assert.ok(tail.bytes.equals(clip.subarray(1000)));
      const middle = await get('bytes=10-19');
      assert.equal(middle.status, 206);
      assert.ok(middle.bytes.equals(clip.subarray(10, 20)));
      const suffix = await get('bytes=-16');
      assert.ok(suffix.bytes.equals(clip.subarray(clip.length - 16)));
      const beyond = await get(`bytes=${clip.length}-`);
      assert.equal(beyond.status, 416);
      assert.equal(beyond.range, `bytes */${clip.length}`);
      // Several ranges or a malformed header: the whole file, as HTTP allows.
      for (const range of ['bytes=0-1,5-6', 'pages=1-2']) {
        const res = await get(range);
        assert.equal(res.status, 200);
        assert.ok(res.bytes.equals(clip));
      }
    } finally {
      // (fetch keeps its connections open; closing them lets the server stop at once)
      server.server.closeAllConnections();
      await server.stop();
    }
  });
}

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

test('compression sends a brotli or gzip copy where the client accepts it, the file itself otherwise and for ranges, with 304s on revalidation', { timeout: 60_000 }, async () => {
  const { compression, pickEncoding } = await import('./dev-server-plugins.mjs');
  const http = await import('node:http');
  const zlib = await import('node:zlib');
  assert.equal(pickEncoding('gzip, deflate, br'), 'br');
  assert.equal(pickEncoding('gzip;q=1.0, br;q=0'), 'gzip');
  assert.equal(pickEncoding('identity'), null);
  const server = await startDevServer({
    config: { rootDir: root, port: 0, hostname: '127.0.0.1', middleware: [compression(), byteRanges], watch: false },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  const WASM = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
  const wasm = readFileSync(path.join(root, WASM));
  const get = (headers) => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.server.address().port, path: WASM, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  try {
    const br = await get({ 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(br.headers.vary, /Accept-Encoding/);
    assert.ok(br.body.length < wasm.length / 2, `brotli: ${br.body.length} of ${wasm.length} bytes`);
    assert.ok(zlib.brotliDecompressSync(br.body).equals(wasm));
    const gz = await get({ 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(zlib.gunzipSync(gz.body).equals(wasm));
    const plain = await get({});
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(wasm));
    const range = await get({ 'Accept-Encoding': 'br', Range: 'bytes=0-9' });
    assert.equal(range.status, 206);
    assert.equal(range.headers['content-encoding'], undefined);
    assert.ok(range.body.equals(wasm.subarray(0, 10)));
    assert.match(br.headers.etag, /-br"$/);
    const again = await get({ 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag });
    assert.equal(again.status, 304);
  } finally {
    server.server.closeAllConnections();
    await server.stop();
  }
});

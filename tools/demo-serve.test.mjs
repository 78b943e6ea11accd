// `npm start` (demo/serve.mjs): the first URL it prints is the demo page, served cross-origin
// isolated; the site root redirects there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const serve = fileURLToPath(new URL('../demo/serve.mjs', import.meta.url));

test('npm start prints the demo URL first, and it serves the demo with COOP/COEP', async () => {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, [serve, '--no-build'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed in 20 s:\n${out}`)), 20_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = out.match(/https?:\/\/\S+/);
        if (m) { clearTimeout(timer); resolve(m[0]); }
      });
      child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
    });
    assert.equal(url, `http://localhost:${port}/demo/`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<face-mesh/);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    const root = await fetch(`http://localhost:${port}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/demo/');
  } finally {
    child.kill();
  }
});

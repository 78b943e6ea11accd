/**
 * <face-mesh> loaded from a CDN: the built bundle imported from the test server's other origin with
 * CORS (127.0.0.1 for a page on localhost: the /cors/ mirror of originTestMirrors), with no
 * asset-base, so the worker script, the wasm binary and the models all come from that origin. A page
 * may not start a worker from another origin: the element starts it from a blob: module that
 * imports the CDN's script (worker_script.ts). Run on the CSP test page (csp/page.html?cdn=1) in an
 * iframe, under no policy, a strict CSP, one without blob: workers, and Trusted Types.
 */
import { expect } from 'chai';
import { cspPageResult } from './csp/page_result.js';

const CDN = `${location.origin.replace('//localhost:', '//127.0.0.1:')}/cors/packages/element/dist/`;
const isChromium = navigator.userAgent.includes('Chrome/');

describe('<face-mesh> from a CDN (another origin, with CORS)', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured (1.9 s)

  it('finds the face with its worker, wasm and models from the CDN', async () => {
    const r = await cspPageResult('/', '1&cdn=1');
    expect(r.assetBase, 'the bundle came from the other origin').to.equal(CDN);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
    expect(r.points).to.equal(478 * 3);
    expect(r.violations).to.deep.equal([]);
  });

  it('runs wasm threads from the CDN on a cross-origin isolated page (Chromium)', async function () {
    // (Firefox and WebKitGTK run one thread here: docs/browser-support.md)
    if (!isChromium) this.skip();
    const r = await cspPageResult('/', '2&cdn=1');
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.binary).to.equal('threaded-simd');
    expect(r.faces).to.equal(1);
  });

  it('works under a strict CSP that allows the CDN and blob: workers', async () => {
    const r = await cspPageResult('/csp-cdn/', '1&cdn=1');
    expect(r.violations, 'CSP violations on the page').to.deep.equal([]);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
  });

  it('without blob: in worker-src: worker-crashed, saying what to allow or to set', async () => {
    const r = await cspPageResult('/csp-cdn-no-blob/', '1&cdn=1');
    expect(r.ok).to.equal(false);
    expect(r.code).to.equal('worker-crashed');
    expect(String(r.message)).to.contain(`${CDN}face-mesh.worker.js`).and.contain('blob: and').and.contain('in worker-src').and.contain('FaceMeshElement.workerUrl');
  });

  it('without blob: in worker-src, FaceMeshElement.workerUrl = a copy on the page\'s origin works (assets still from the CDN)', async () => {
    const r = await cspPageResult('/csp-cdn-no-blob/', '1&cdn=1&worker=own');
    expect(r.violations, 'CSP violations on the page').to.deep.equal([]);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
  });

  it('under Trusted Types: the blob: bootstrap goes through the face-mesh policy', async () => {
    const r = await cspPageResult('/tt/', '1&cdn=1');
    // The one report, as on a same-origin page: the plain URL is tried first.
    expect(r.violations, 'policy violations on the page').to.deep.equal(['require-trusted-types-for trusted-types-sink']);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
  });
});

/**
 * <face-mesh> under a strict Content-Security-Policy, in an iframe served with the CSP header.
 * Its own file: the threaded case starts wasm threads (nested workers), and Chromium sometimes
 * leaves a terminated threaded worker parked (see the README); the no-worker-left checks of the
 * robustness suite are about the default, single-thread set-up on this machine.
 */
import { expect } from 'chai';
import { cspPageResult } from './csp/page_result.js';

describe('<face-mesh> under a strict CSP', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  it("works under default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob: (on one thread: threads need blob: scripts)", async () => {
    const r = await cspPageResult('/csp/', '2'); // threads asked for: the CSP is what turns them off
    expect(r.violations, 'CSP violations on the page').to.deep.equal([]);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
    expect(r.points).to.equal(478 * 3);
    expect(r.binary).to.equal('simd');
    expect(String(r.note)).to.contain('script-src blob:');
  });

  it("runs threaded when script-src also allows blob:", async () => {
    const r = await cspPageResult('/csp-blob/', '2');
    expect(r.violations).to.deep.equal([]);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
    expect(r.binary).to.equal('threaded-simd');
  });
});

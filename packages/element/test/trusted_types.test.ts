/**
 * <face-mesh> on a page that enforces Trusted Types for scripts, in an iframe served under /tt/ with
 * `require-trusted-types-for 'script'; trusted-types face-mesh lit-html` (web-test-runner.config.mjs):
 * the worker's URL must come from the element's `face-mesh` policy, and nothing may be blocked.
 */
import { expect } from 'chai';
import { cspPageResult } from './csp/page_result.js';

describe('<face-mesh> under Trusted Types', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured

  it("finds the face with require-trusted-types-for 'script' and only the face-mesh and lit-html policies allowed", async () => {
    const r = await cspPageResult('/tt/', '1');
    // The one report: the element first tries the plain worker URL (a page without Trusted Types needs no policy).
    expect(r.violations, 'policy violations on the page').to.deep.equal(['require-trusted-types-for trusted-types-sink']);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
    expect(r.points).to.equal(478 * 3);
  });
});

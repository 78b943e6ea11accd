/**
 * <face-mesh> on a page that enforces Trusted Types for scripts, in an iframe served under /tt/ with
 * `require-trusted-types-for 'script'; trusted-types face-mesh lit-html` (web-test-runner.config.mjs):
 * the worker's URL must come from the element's `face-mesh` policy, and nothing may be blocked.
 */
import { expect } from 'chai';

describe('<face-mesh> under Trusted Types', function () {
  this.timeout(180_000);

  it("finds the face with require-trusted-types-for 'script' and only the face-mesh and lit-html policies allowed", async () => {
    const frame = document.createElement('iframe');
    const result = new Promise<Record<string, unknown>>((resolve) => {
      const on = (e: MessageEvent) => {
        if (e.source !== frame.contentWindow || !e.data?.cspPage) return;
        window.removeEventListener('message', on);
        resolve(e.data as Record<string, unknown>);
      };
      window.addEventListener('message', on);
    });
    // The CSP test page: the built bundle, as a site would use it.
    frame.src = '/tt/packages/element/test/csp/page.html?threads=1';
    document.body.append(frame);
    const r = await result;
    console.log(`Trusted Types page: ${JSON.stringify(r)}`);
    frame.remove();
    // The one report: the element first tries the plain worker URL (which bundlers need to see).
    expect(r.violations, 'policy violations on the page').to.deep.equal(['require-trusted-types-for trusted-types-sink']);
    expect(r.ok, String(r.message)).to.equal(true);
    expect(r.faces).to.equal(1);
    expect(r.points).to.equal(478 * 3);
  });
});

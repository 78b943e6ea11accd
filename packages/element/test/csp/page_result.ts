/**
 * Runs the CSP test page (csp/page.html, the built bundle as a site would use it) in an iframe
 * under `prefix` (the server route that adds the policy header: /csp/, /csp-blob/, /tt/) and
 * resolves with what it reports: faces, points, binary, note, violations.
 */
export async function cspPageResult(prefix: string, threads: string): Promise<Record<string, unknown>> {
  const frame = document.createElement('iframe');
  const result = new Promise<Record<string, unknown>>((resolve) => {
    const on = (e: MessageEvent) => {
      if (e.source !== frame.contentWindow || !e.data?.cspPage) return;
      window.removeEventListener('message', on);
      resolve(e.data as Record<string, unknown>);
    };
    window.addEventListener('message', on);
  });
  frame.src = `${prefix}packages/element/test/csp/page.html?threads=${threads}`;
  document.body.append(frame);
  const r = await result;
  console.log(`CSP page ${prefix} threads=${threads}: ${JSON.stringify(r)}`);
  frame.remove();
  return r;
}

/**
 * The script a worker is started from. A page may only start a worker from its own origin, but the
 * element loaded from a CDN finds its worker script on the CDN's origin. Such a worker is started
 * from a `blob:` module instead (blob: URLs are the page's origin) whose one line imports the CDN's
 * script: a module worker imports across origins with CORS, as the page imports face-mesh.js. The
 * worker's script is self-contained and gets every asset URL from the page, so where its module was
 * imported from changes nothing else. A blob: worker runs under the page's own Content-Security-Policy:
 * its `worker-src` must allow blob: and the CDN (a module worker's imports are fetched as worker
 * scripts), its `connect-src` the CDN (the downloads); a page that cannot allow blob:
 * workers serves a copy of face-mesh.worker.js itself (`FaceMeshElement.workerUrl`).
 */

export interface WorkerScript {
  /** What to start the worker from: the script's own URL, or a blob: module importing it. */
  url: string;
  /** The script's URL when `url` is a bootstrap that imports it from another origin, else null. */
  imported: string | null;
  /** Frees the bootstrap's blob: URL (call once the worker is terminated). */
  release(): void;
}

/** How the page starts a worker whose script is `href` (resolved against the page). */
export function workerScript(href: string): WorkerScript {
  const url = new URL(href, location.href);
  // blob: and data: scripts are the browser's business; only http(s) has an origin to cross.
  if (!/^https?:$/.test(url.protocol) || url.origin === location.origin) return { url: url.href, imported: null, release: () => {} };
  // (a JSON string is a JS string literal; the URL is parsed, so it holds no line breaks)
  const bootstrap = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  const blobUrl = URL.createObjectURL(bootstrap);
  return { url: blobUrl, imported: url.href, release: () => URL.revokeObjectURL(blobUrl) };
}

/** Appended to a worker error when the script came from another origin: what it needs, and the way round. */
export function crossOriginWorkerAdvice(script: WorkerScript): string {
  if (!script.imported) return '';
  const origin = new URL(script.imported).origin;
  return ` Its script, ${script.imported}, is on another origin (${origin}) than this page (${location.origin}), so it`
    + ' was started from a blob: module that imports it. That needs the server to send Access-Control-Allow-Origin for it,'
    + ` and a Content-Security-Policy to allow blob: and ${origin} in worker-src (a module worker's imports are worker scripts), ${origin} in connect-src.`
    + ' Or serve a copy of face-mesh.worker.js from this origin and set FaceMeshElement.workerUrl to it (no blob: needed).';
}

/**
 * Sources on another origin. The worker reads every frame's pixels, which the browser refuses for
 * a cross-origin image or video fetched without CORS ("tainted"): such a source plays on the page
 * but cannot be processed. These helpers find that once, up front, and say what to change.
 */

/**
 * Advice appended to a `src` error when the URL is on another origin ('' when it is not): the
 * server must allow CORS, the element must ask for it, and a cross-origin isolated page also
 * needs the server's consent to be embedded.
 */
export function corsAdvice(url: URL, tainted = false): string {
  if (!/^https?:$/.test(url.protocol) || url.origin === location.origin) return '';
  const isolated = globalThis.crossOriginIsolated === true;
  return ` ${url.href} is on another origin (${url.origin}) than this page (${location.origin}): CORS is needed. `
    + `Serve it with Access-Control-Allow-Origin${tainted ? ' and set crossorigin="anonymous" on <face-mesh>' : ' (and set crossorigin="anonymous" on <face-mesh> for a video)'}`
    + `${isolated ? '; this page is cross-origin isolated (COEP), so without CORS the browser does not load it at all' : ''}, or host it on this page's origin.`;
}

/** Whether a frame error from the worker means the pixels may not be read (a tainted source). */
export function isPixelReadError(message: string): boolean {
  return /SecurityError|tainted|insecure|cross-origin|origin-clean|The operation is insecure/i.test(message);
}

/**
 * Whether the page may read the pixels of `video`'s current frame: one pixel drawn on a canvas
 * and read back (a cross-origin video without CORS throws a SecurityError).
 */
export async function videoPixelsReadable(video: HTMLVideoElement): Promise<boolean> {
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  // (read back, so kept in memory: a GPU canvas here left WebKitGTK a GL surface to free at
  // garbage collection, where its software GL crashed the page under load)
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return true;
  try {
    ctx.drawImage(video, 0, 0, 1, 1);
    ctx.getImageData(0, 0, 1, 1);
    return true;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'SecurityError') return false;
    return true; // not a taint (e.g. no frame yet): the frames will tell
  }
}

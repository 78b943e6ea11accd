// The CSP test page's script (plain JS: the page uses the built bundle, as a site would).
import '../../dist/define.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));

const report = (result) => parent.postMessage({ cspPage: true, ...result, violations }, location.origin);
const params = new URLSearchParams(location.search);
const el = document.createElement('face-mesh');
el.setAttribute('asset-base', '../../dist/');
if (params.get('threads')) el.setAttribute('threads', params.get('threads'));
document.body.append(el);
const ready = new Promise((resolve) => el.addEventListener('ready', (e) => resolve(e.detail), { once: true }));
el.addEventListener('error', (e) => report({ ok: false, code: e.detail.code, message: e.detail.message }));
try {
  const img = new Image();
  img.src = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';
  await img.decode();
  const bitmap = await createImageBitmap(img, 1232, 86, 640, 480);
  const result = await el.detect(bitmap);
  const mode = await ready;
  report({ ok: true, binary: mode.binary, threads: mode.threads, note: mode.note, faces: result.faces.length, points: result.faces[0]?.landmarks.length ?? 0 });
} catch (e) {
  report({ ok: false, code: e.code, message: e.message });
}

// The CSP test page's script (plain JS: the page uses the built bundle, as a site would).
// ?cdn=1: the bundle comes from the test server's other origin with CORS (a CDN: /cors/ in
// originTestMirrors), its worker and assets too (no asset-base: next to face-mesh.js);
// &worker=own: FaceMeshElement.workerUrl is this origin's copy of the worker script.
const params = new URLSearchParams(location.search);
const cdn = `${location.origin.replace('//localhost:', '//127.0.0.1:')}/cors/packages/element/dist/`;
const dist = params.get('cdn') ? cdn : new URL('../../dist/', import.meta.url).href;

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
const report = (result) => parent.postMessage({ cspPage: true, ...result, violations }, location.origin);

const { DEFAULT_ASSET_BASE, FaceMeshElement } = await import(`${dist}face-mesh.js`);
await import(`${dist}define.js`);
if (params.get('worker') === 'own') FaceMeshElement.workerUrl = new URL('../../dist/face-mesh.worker.js', import.meta.url).href;
const el = document.createElement('face-mesh');
if (!params.get('cdn')) el.setAttribute('asset-base', '../../dist/');
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
  report({ ok: true, assetBase: DEFAULT_ASSET_BASE, binary: mode.binary, threads: mode.threads, note: mode.note, faces: result.faces.length, points: result.faces[0]?.landmarks.length ?? 0 });
} catch (e) {
  report({ ok: false, code: e.code, message: e.message });
}

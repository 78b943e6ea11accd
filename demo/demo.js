// The demo page: the element from the built bundle, with live stats. Where there is no camera (or
// permission is denied), it plays a short clip made from a public test photo instead.
import '../packages/element/dist/define.js';

const mesh = document.getElementById('mesh');
const $ = (id) => document.getElementById(id);
const CAMERA_UNAVAILABLE = ['camera-denied', 'camera-not-found', 'camera-unsupported', 'camera-in-use'];

mesh.addEventListener('ready', (e) => {
  const m = e.detail;
  $('mode').textContent = `${m.binary}, ${m.threads} thread${m.threads > 1 ? 's' : ''}, ready in ${Math.round(m.loadMs)} ms`;
  if (m.note) $('mode').title = m.note;
});

const frameTimes = [];
mesh.addEventListener('landmarks', (e) => {
  const now = performance.now();
  frameTimes.push(now);
  while (frameTimes.length && now - frameTimes[0] > 1000) frameTimes.shift();
  $('fps').textContent = String(frameTimes.length);
  $('ms').textContent = e.detail.timings.totalMs.toFixed(1);
  $('faces').textContent = String(e.detail.faces.length);
});

mesh.addEventListener('error', (e) => {
  const { code, message } = e.detail;
  if (CAMERA_UNAVAILABLE.includes(code) && !mesh.src) {
    $('source').textContent = `No camera (${message}) Playing a sample clip instead.`;
    mesh.src = new URL('./media/sample-clip.webm', import.meta.url).href;
  } else {
    $('source').textContent = message;
  }
});

$('overlay').addEventListener('change', (e) => { mesh.overlay = e.target.value; });
$('mirror').addEventListener('change', (e) => { mesh.mirror = e.target.checked; });
if (new URLSearchParams(location.search).has('clip')) mesh.src = new URL('./media/sample-clip.webm', import.meta.url).href;
const overlayParam = new URLSearchParams(location.search).get('overlay');
if (overlayParam) { mesh.overlay = overlayParam; $('overlay').value = overlayParam; }

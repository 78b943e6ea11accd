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
  showEyes(e.detail.faces[0]?.eyes);
});

/** The first face's eyes: distance from the camera, and where they look (camera space, degrees). */
function showEyes(eyes) {
  if (!eyes) {
    $('eye-distance').textContent = '–';
    $('gaze').textContent = '–';
    return;
  }
  const { left, right } = eyes;
  $('eye-distance').textContent = `${((left.distanceMm + right.distanceMm) / 20).toFixed(0)} cm (L ${(left.distanceMm / 10).toFixed(1)}, R ${(right.distanceMm / 10).toFixed(1)})`;
  if (left.gaze && right.gaze) {
    const yaw = (left.gaze.yaw + right.gaze.yaw) / 2;
    const pitch = (left.gaze.pitch + right.gaze.pitch) / 2;
    const atCamera = (left.cameraAngle + right.cameraAngle) / 2 < 8 ? ', at the camera' : '';
    $('gaze').textContent = `${yaw >= 0 ? 'right' : 'left'} ${Math.abs(yaw).toFixed(0)}°, ${pitch >= 0 ? 'down' : 'up'} ${Math.abs(pitch).toFixed(0)}°${atCamera}`;
  }
}

/** The overlay menu: the element's modes, and two textures for overlay="texture". */
const TEXTURES = { makeup: './media/makeup.png', 'face-grid': './media/face-grid.png' };
function setOverlay(value) {
  if (TEXTURES[value]) {
    mesh.textureSrc = new URL(TEXTURES[value], import.meta.url).href;
    mesh.overlay = 'texture';
  } else {
    mesh.overlay = value;
  }
}

mesh.addEventListener('error', (e) => {
  const { code, message } = e.detail;
  if (CAMERA_UNAVAILABLE.includes(code) && !mesh.src) {
    $('source').textContent = `No camera (${message}) Playing a sample clip instead.`;
    mesh.src = new URL('./media/sample-clip.webm', import.meta.url).href;
  } else {
    $('source').textContent = message;
  }
});

$('overlay').addEventListener('change', (e) => setOverlay(e.target.value));
$('mirror').addEventListener('change', (e) => { mesh.mirror = e.target.checked; });
if (new URLSearchParams(location.search).has('clip')) mesh.src = new URL('./media/sample-clip.webm', import.meta.url).href;
const overlayParam = new URLSearchParams(location.search).get('overlay');
if (overlayParam) { setOverlay(overlayParam); $('overlay').value = overlayParam; }

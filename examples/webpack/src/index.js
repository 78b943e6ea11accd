import '@face-mesh/element/define';

const mesh = document.querySelector('face-mesh');
const status = document.querySelector('#status');

mesh.addEventListener('ready', (event) => {
  status.dataset.binary = event.detail.binary;
});
mesh.addEventListener('landmarks', (event) => {
  status.dataset.faces = String(event.detail.faces.length);
  const face = event.detail.faces[0];
  if (!face) return;
  status.dataset.points = String(face.landmarks.length / 3);
  status.textContent = `${event.detail.faces.length} face(s), ${face.landmarks.length / 3} points`;
});
mesh.addEventListener('error', (event) => {
  status.dataset.error = event.detail.code;
  status.textContent = `${event.detail.code}: ${event.detail.message}`;
});

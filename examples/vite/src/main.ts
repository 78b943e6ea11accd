import '@face-mesh/element/define';
import type { FaceMeshErrorEvent, LandmarksEvent, ReadyEvent } from '@face-mesh/element';

const mesh = document.querySelector('face-mesh')!; // a FaceMeshElement (the define entry types the tag)
const status = document.querySelector('output#status') as HTMLOutputElement;

mesh.addEventListener('ready', (event: Event) => {
  status.dataset.binary = (event as ReadyEvent).detail.binary;
});
mesh.addEventListener('landmarks', (event: Event) => {
  const { faces } = (event as LandmarksEvent).detail;
  status.dataset.faces = String(faces.length);
  const face = faces[0];
  if (!face) return;
  const points = face.landmarks.length / 3;
  status.dataset.points = String(points);
  status.textContent = `${faces.length} face(s), ${points} points, nose tip at ${face.landmarks[3].toFixed(0)},${face.landmarks[4].toFixed(0)}`;
});
mesh.addEventListener('error', (event: Event) => {
  const { code, message } = (event as FaceMeshErrorEvent).detail;
  status.dataset.error = code;
  status.textContent = `${code}: ${message}`;
});

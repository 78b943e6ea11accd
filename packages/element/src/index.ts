export { FaceMeshElement } from './face-mesh.js';

export { FaceMesh, type FaceMeshOptions, type ProcessOptions } from './face_mesh.js';
export { decodeImage } from './decode.js';
export { FaceMeshNodeError, type NodeErrorCode } from './errors.js';

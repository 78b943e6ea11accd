export { FaceMeshElement } from './face-mesh.js';
export { DEFAULT_ASSET_BASE, startRuntime, type RuntimeClient } from './runtime-client.js';

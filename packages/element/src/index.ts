export { FaceMeshElement } from './face-mesh.js';
export {
  FaceFoundEvent,
  FaceLostEvent,
  FaceMeshError,
  FaceMeshErrorEvent,
  LandmarksEvent,
  LoadProgressEvent,
  ReadyEvent,
  type ErrorDetail,
  type FaceCountDetail,
  type FaceMeshErrorCode,
  type FaceResult,
  type LandmarksDetail,
  type ProgressDetail,
  type ReadyDetail,
} from './events.js';
export { DEFAULT_ASSET_BASE, startRuntime, type RuntimeClient } from './runtime-client.js';

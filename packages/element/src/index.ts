export { FaceMeshElement } from './face-mesh.js';
export {
  FaceFoundEvent,
  FaceLostEvent,
  FaceMeshError,
  FaceMeshErrorEvent,
  LandmarksEvent,
  LoadProgressEvent,
  ReadyEvent,
  ResumeEvent,
  SuspendEvent,
  ThreadsChangeEvent,
  type ErrorDetail,
  type FaceCountDetail,
  type FaceMeshErrorCode,
  type FaceMeshEventMap,
  type FaceMeshEventName,
  type FaceResult,
  type LandmarksDetail,
  type ProgressDetail,
  type ReadyDetail,
  type SuspendDetail,
  type ThreadsChangeDetail,
} from './events.js';
export type { MediaKind, SrcType } from './source_type.js';
export { DEFAULT_ASSET_BASE, startRuntime, type RuntimeClient } from './runtime_client.js';

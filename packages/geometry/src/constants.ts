/**
 * Every magic number of the face pipeline, in one place. Sources: google/mediapipe graphs
 * face_detection_short_range.pbtxt, face_detection.pbtxt, face_landmark_front_cpu.pbtxt,
 * face_landmark_cpu.pbtxt, face_detection_front_detection_to_roi.pbtxt,
 * face_landmark_landmarks_to_roi.pbtxt and tensors_to_face_landmarks_with_attention.pbtxt.
 */

// --- BlazeFace short-range detector ---------------------------------------------------------
/** Detector input: 128x128, letterboxed (keep_aspect_ratio), values in [-1, 1]. */
export const DETECTOR_INPUT_SIZE = 128;
/** SsdAnchorsCalculator: strides per layer; equal consecutive strides share one feature map. */
export const DETECTOR_ANCHOR_STRIDES: readonly number[] = [8, 16, 16, 16];
/** Anchors per cell per layer: aspect ratio 1.0 plus the interpolated scale. */
export const DETECTOR_ANCHORS_PER_LAYER = 2;
export const DETECTOR_ANCHOR_OFFSET = 0.5;
export const DETECTOR_NUM_ANCHORS = 896;
/** Values per regressor row: box (4) + 6 keypoints x 2. */
export const DETECTOR_NUM_COORDS = 16;
export const DETECTOR_NUM_KEYPOINTS = 6;
/** x_scale = y_scale = w_scale = h_scale of TensorsToDetectionsCalculator. */
export const DETECTOR_BOX_SCALE = 128;
/** Logits are clamped to +-this before the sigmoid (score_clipping_thresh). */
export const DETECTOR_SCORE_CLIPPING = 100;
/** min_score_thresh (the solution's min_detection_confidence, compiled-in default). */
export const DETECTOR_MIN_SCORE = 0.5;
/** NonMaxSuppressionCalculator: WEIGHTED, IoU, min_suppression_threshold. */
export const NMS_IOU_THRESHOLD = 0.3;
/** Detection keypoints 0 ("left eye", image-left) -> 1 ("right eye") give the ROI rotation. */
export const DETECTION_ROTATION_START_KEYPOINT = 0;
export const DETECTION_ROTATION_END_KEYPOINT = 1;

// --- ROI -------------------------------------------------------------------------------------
/** RectTransformationCalculator scale_x = scale_y, after square_long. */
export const ROI_SCALE = 1.5;
/** DetectionsToRectsCalculator target_angle (radians) for both ROI sources. */
export const ROI_TARGET_ANGLE = 0;
/** Landmarks -> next-frame ROI: rotation from landmark 33 to landmark 263. */
export const LANDMARK_ROTATION_START = 33;
export const LANDMARK_ROTATION_END = 263;
/** AssociationNormRectCalculator min_similarity_threshold (axis-aligned IoU). */
export const ASSOCIATION_MIN_SIMILARITY = 0.5;

// --- Attention Mesh --------------------------------------------------------------------------
/** Mesh model input: 192x192 crop, values in [0, 1]. */
export const MESH_INPUT_SIZE = 192;
export const NUM_MESH_LANDMARKS = 468;
export const NUM_REFINED_LANDMARKS = 478;
/** Presence iff sigmoid(conv_faceflag) > this (strict; min_tracking_confidence). */
export const FACE_FLAG_THRESHOLD = 0.5;

// --- Metrics (reference/compare.mjs) ---------------------------------------------------------
/** Eye corners whose midpoints are the eye centres of the inter-ocular distance. */
export const LEFT_EYE_CORNERS: readonly [number, number] = [33, 133];
export const RIGHT_EYE_CORNERS: readonly [number, number] = [362, 263];
/** Faces are paired by the nose tip... */
export const NOSE_TIP_LANDMARK = 1;
/** ...when its 2-D distance is below this many inter-ocular distances. */
export const FACE_MATCH_MAX_DISTANCE_IOD = 1.0;

/**
 * SHA-256 of every file the element ships and loads: the model files (models/checksums.json, which
 * `npm install` checks the extracted files against) and tfjs-backend-wasm's binaries (the pinned
 * @tensorflow/tfjs-backend-wasm). The page passes these, by URL, to the worker, which refuses a file
 * whose bytes differ (`model-integrity`, `wasm-integrity`). models/asset_checksums.test.mjs
 * keeps this table equal to models/checksums.json and the installed binaries.
 */
export const ASSET_SHA256 = {
  'face_landmark_with_attention.tflite': '883b7411747bac657c30c462d305d312e9dec6adbf8b85e2f5d8d722fca9455d',
  'face_landmark.tflite': 'c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1',
  'face_detection_short_range.tflite': '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633',
  'geometry_pipeline_metadata_landmarks.binarypb': 'bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4',
  'tfjs-backend-wasm.wasm': '70a5d516060464e5269f01c74bac1772d6b8ab6cb612acf16b5cdaf61f78d892',
  'tfjs-backend-wasm-simd.wasm': '77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b',
  'tfjs-backend-wasm-threaded-simd.wasm': 'c052228d4bef185c27bbe59a9e029570c78bbb9f08b3cb46b597851650373de2',
} as const;

export type AssetFileName = keyof typeof ASSET_SHA256;

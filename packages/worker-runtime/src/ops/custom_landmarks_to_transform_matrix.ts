/** Custom op `Landmarks2TransformMatrix` v2 (docs/pipeline.md §2.1): options parsed once, math in ./custom/. */
import { landmarksToTransformMatrix, parseLandmarks2TransformMatrixOptions } from './custom/landmarks_to_transform_matrix.js';
import { requireVersion2 } from './custom_version.js';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileLandmarksToTransformMatrix(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  const options = parseLandmarks2TransformMatrixOptions(ctx.op.customOptions);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'Landmarks2TransformMatrix',
    exec: ([landmarks]) => landmarksToTransformMatrix(landmarks!, options),
  };
}

/** Custom op `TransformLandmarks` v2 (docs/pipeline.md §2.3): math in ./custom/. */
import { transformLandmarks } from './custom/transform_landmarks.js';
import { requireVersion2 } from './custom_version.js';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileTransformLandmarks(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  return {
    kind: 'exec', inputs: [ctx.input(0), ctx.input(1)], output: singleOutput(ctx), label: 'TransformLandmarks',
    exec: ([landmarks, matrix]) => transformLandmarks(landmarks!, matrix!),
  };
}

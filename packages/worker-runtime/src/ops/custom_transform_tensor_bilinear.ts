/** Custom op `TransformTensorBilinear` v2 (spec §2.2): options parsed once, math in ./custom/. */
import { parseTransformTensorBilinearOptions, transformTensorBilinear } from './custom/transform_tensor_bilinear.js';
import { requireVersion2 } from './custom_version.js';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileTransformTensorBilinear(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  const { outputHeight, outputWidth } = parseTransformTensorBilinearOptions(ctx.op.customOptions);
  return {
    kind: 'exec', inputs: [ctx.input(0), ctx.input(1)], output: singleOutput(ctx), label: 'TransformTensorBilinear',
    exec: ([input, matrix]) => transformTensorBilinear(input!, matrix!, outputHeight, outputWidth),
  };
}

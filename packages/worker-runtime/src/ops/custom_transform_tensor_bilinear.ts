/** Custom op `TransformTensorBilinear` v2 (docs/pipeline.md §2.2): options parsed once, math in ./custom/. */
import { parseTransformTensorBilinearOptions, transformTensorBilinear } from './custom/transform_tensor_bilinear.js';
import { requireVersion2 } from './custom_version.js';
import { MAX_TENSOR_ELEMENTS } from './shapes.js';
import { describeOp, singleOutput, UnsupportedOpError, type CompiledOp, type CompileContext } from './types.js';

export function compileTransformTensorBilinear(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  const { outputHeight, outputWidth } = parseTransformTensorBilinearOptions(ctx.op.customOptions);
  // The kernel allocates outputHeight x outputWidth x C floats per call: bounded here, from the file's options.
  const channels = ctx.info(ctx.input(0)).shape[3] ?? 1;
  if (outputHeight * outputWidth * channels > MAX_TENSOR_ELEMENTS) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: output ${outputHeight}x${outputWidth}x${channels} exceeds ${MAX_TENSOR_ELEMENTS} values`);
  }
  return {
    kind: 'exec', inputs: [ctx.input(0), ctx.input(1)], output: singleOutput(ctx), label: 'TransformTensorBilinear',
    exec: ([input, matrix]) => transformTensorBilinear(input!, matrix!, outputHeight, outputWidth),
  };
}

/**
 * DEQUANTIZE: in these models it only turns float16 weights into float32, which parseModel already
 * did at load, so the op is an alias of its (constant) input. Real (int8/uint8) dequantization is
 * not supported: such a model fails at load.
 */
import { UnsupportedOpError } from '../errors.js';
import { describeOp, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { fail, inputCount, type ShapeRule } from './shapes.js';

export function compileDequantize(ctx: CompileContext): CompiledOp {
  const x = ctx.input(0);
  const info = ctx.info(x);
  if (!ctx.constData(x) || (info.type !== 'FLOAT16' && info.type !== 'FLOAT32')) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: only constant float16 inputs are supported (got ${info.type}${ctx.constData(x) ? '' : ', computed at run time'})`);
  }
  return { kind: 'alias', of: x };
}

const dequantize: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  if (!ctx.constData(0)) fail(ctx.op, 'only constant inputs are supported');
  return ctx.shape(0);
};

/** A constant's DEQUANTIZE is that constant: an alias (no plan step needed). */
export const DEQUANTIZE: OpDefinition = { shape: dequantize, compile: compileDequantize };

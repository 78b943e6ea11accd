/** Shape-rule checks the three custom ops share: their version, their options, their matrix input. */
import { elementCount } from '../../limits.js';
import { UnsupportedOpError } from '../../errors.js';
import { fail, type ShapeContext } from '../shapes.js';
import { describeOp } from '../types.js';

export function customVersion2(ctx: ShapeContext): void {
  if (ctx.op.version !== 2) throw new UnsupportedOpError(`${describeOp(ctx.op)}: only version 2 of this custom op is implemented`);
}

/** Options readers throw plain Errors (they are also used at run time); at load they are format errors. */
export function parsed<T>(ctx: ShapeContext, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    return fail(ctx.op, e instanceof Error ? e.message : String(e));
  }
}

export function matrixInput(ctx: ShapeContext, i: number): void {
  const m = ctx.shape(i);
  if (elementCount(m) !== 16 || m.length < 2 || m.at(-1) !== 4 || m.at(-2) !== 4) fail(ctx.op, `the matrix input must have shape [1,4,4], found [${m}]`);
}

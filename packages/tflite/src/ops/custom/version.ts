/** MediaPipe's custom ops changed meaning between v1 and v2 (docs/pipeline.md §2): we implement v2 only. */
import { UnsupportedOpError } from '../../errors.js';
import { describeOp, type CompileContext } from '../types.js';

export function requireVersion2(ctx: CompileContext): void {
  if (ctx.op.version !== 2) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: only version 2 of this custom op is implemented`);
  }
}

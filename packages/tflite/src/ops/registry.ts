/**
 * The one op table: every op we run by TFLite name, builtins here and MediaPipe's custom ops through
 * their own table (custom/registry.ts), looked up by the operator's kind as TFLite's op resolver
 * does. Anything else is refused at load (graph_check.ts). Adding an op: one file, one line here.
 */
import type { OperatorInfo } from '../parser/model.js';
import { ADD, MUL } from './binary.js';
import { CONCATENATION } from './concatenation.js';
import { CONV_2D } from './conv_2d.js';
import { CUSTOM_OPS } from './custom/registry.js';
import { DEPTHWISE_CONV_2D } from './depthwise_conv_2d.js';
import { DEQUANTIZE } from './dequantize.js';
import { MAX_POOL_2D } from './max_pool_2d.js';
import { PAD } from './pad.js';
import { PRELU } from './prelu.js';
import { RELU } from './relu.js';
import { RESHAPE } from './reshape.js';
import { STRIDED_SLICE } from './strided_slice.js';
import type { OpDefinition } from './types.js';

/** The builtin ops, by their BuiltinOperator name. */
export const BUILTIN_OPS: ReadonlyMap<string, OpDefinition> = new Map(Object.entries({
  ADD, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE, MAX_POOL_2D, MUL, PAD, PRELU, RELU, RESHAPE, STRIDED_SLICE,
}));

/** The definition of `op`'s kind: a builtin by name, a custom op by its custom code; undefined when we do not run it. */
export function opDefinition(op: Pick<OperatorInfo, 'opName' | 'custom'>): OpDefinition | undefined {
  return (op.custom ? CUSTOM_OPS : BUILTIN_OPS).get(op.opName);
}

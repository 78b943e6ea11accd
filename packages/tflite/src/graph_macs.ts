/**
 * The work a model does, counted from its graph: multiply-accumulates (MACs) of the ops that are
 * dot products (convolutions, depthwise convolutions, fully connected layers), per op type. With a
 * measured time this gives achieved GMAC/s, which the benchmark sets beside the machine's measured
 * peak (kernel_peak.ts), so "how far from the limit" is a number. Elementwise ops (ADD, PRELU...),
 * pooling, resampling and the attention model's custom ops are not dot products: they are counted
 * as uncounted operators, not guessed at.
 */
import { elementCount } from './limits.js';
import type { ModelGraph, OperatorInfo } from './parser/model.js';

export interface ModelMacs {
  /** Multiply-accumulates of one run. */
  total: number;
  /** By op name (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED), in the graph's order of first use. */
  byOp: Record<string, number>;
  /** Operators whose work is not counted (not a dot product). */
  uncounted: number;
}

/**
 * MACs of one operator, from its output and filter shapes (TFLite layouts: CONV_2D filters are
 * [outC, kh, kw, inC], DEPTHWISE_CONV_2D [1, kh, kw, outC], FULLY_CONNECTED weights [units, inputs]);
 * null when the op is not a dot product or its shapes are not those.
 */
export function operatorMacs(graph: ModelGraph, op: OperatorInfo): number | null {
  const shape = (i: number) => (i >= 0 ? graph.tensors[i]?.shape : undefined);
  const out = shape(op.outputs[0] ?? -1);
  const filter = shape(op.inputs[1] ?? -1);
  if (op.custom || !out || !filter) return null;
  switch (op.opName) {
    case 'CONV_2D': // each output value: kh * kw * inC products
      return filter.length === 4 ? elementCount(out) * filter[1]! * filter[2]! * filter[3]! : null;
    case 'DEPTHWISE_CONV_2D': // each output value: kh * kw products
      return filter.length === 4 ? elementCount(out) * filter[1]! * filter[2]! : null;
    case 'FULLY_CONNECTED': // each output value: one product per input feature
      return filter.length === 2 ? elementCount(out) * filter[1]! : null;
    default:
      return null;
  }
}

export function countMacs(graph: ModelGraph): ModelMacs {
  const byOp: Record<string, number> = {};
  let total = 0;
  let uncounted = 0;
  for (const op of graph.operators) {
    const macs = operatorMacs(graph, op);
    if (macs === null) {
      uncounted++;
      continue;
    }
    byOp[op.opName] = (byOp[op.opName] ?? 0) + macs;
    total += macs;
  }
  return { total, byOp, uncounted };
}

/**
 * checkGraph: the whole-graph checks the executor relies on, run before it compiles or uploads
 * anything (and by a loader, so a bad file is refused before anything runs). No tensor is made.
 * - graph inputs and outputs: valid, distinct inputs that are not constants; every output computed;
 * - op order: each operator reads only tensors an earlier operator produced (or the graph input, or
 *   constants), and no tensor is written twice or overwrites a constant or an input;
 * - shapes: each operator's output shape, computed by its op's shape rule (ops/registry.ts) from its
 *   inputs and checked parameters, must match the shape the file declares, and stay within
 *   MAX_TENSOR_ELEMENTS; the run-time tensors together within MAX_PLAN_ELEMENTS.
 */
import { ModelFormatError, UnsupportedOpError } from './errors.js';
import { elementCount, MAX_PLAN_ELEMENTS, MAX_TENSOR_ELEMENTS } from './limits.js';
import { opDefinition } from './ops/registry.js';
import type { ShapeContext } from './ops/shapes.js';
import { describeOp, type ConstData } from './ops/types.js';
import { type ModelGraph } from './parser/model.js';

const sameShape = (declared: readonly number[], computed: readonly number[]): boolean =>
  declared.length === computed.length && declared.every((d, i) => d === -1 || d === computed[i]);

export function checkGraph(graph: ModelGraph): void {
  const { tensors } = graph;
  const name = (t: number) => `tensor ${t} (${tensors[t]?.name ?? '?'})`;
  const shapes: (number[] | null)[] = tensors.map((t) => (t.data ? t.shape : null));
  const consts: (ConstData | null)[] = tensors.map((t) => t.data);
  const inRange = (t: number) => Number.isInteger(t) && t >= 0 && t < tensors.length;

  if (graph.inputs.length === 0) throw new ModelFormatError('the graph has no input');
  for (const t of graph.inputs) {
    if (!inRange(t)) throw new ModelFormatError(`a graph input refers to tensor ${t} of ${tensors.length}`);
    if (shapes[t]) throw new ModelFormatError(`graph input ${name(t)} is a constant or listed twice`);
    const s = tensors[t]!.shape;
    if (s.some((d) => d < 1) || elementCount(s) > MAX_TENSOR_ELEMENTS) throw new ModelFormatError(`graph input ${name(t)} has shape [${s}]`);
    shapes[t] = s;
  }

  let total = 0;
  for (const op of graph.operators) {
    const rule = opDefinition(op)?.shape;
    if (!rule) throw new UnsupportedOpError(`unsupported op ${op.opName}${op.custom ? ` (custom, v${op.version})` : ''} at operator #${op.index}`);
    for (const t of op.inputs) {
      if (t === -1) continue;
      if (!inRange(t)) throw new ModelFormatError(`${describeOp(op)} reads tensor ${t} of ${tensors.length}`);
      if (!shapes[t]) throw new ModelFormatError(`${describeOp(op)} reads ${name(t)}, which no earlier operator produces (operators out of order, or a broken reference)`);
    }
    const ctx: ShapeContext = {
      op,
      shape: (i) => shapes[op.inputs[i]!]!,
      constData: (i) => (op.inputs[i]! >= 0 ? consts[op.inputs[i]!]! : null),
      declared: (i) => tensors[op.outputs[i]!]!.shape,
    };
    if (op.outputs.length !== 1) throw new ModelFormatError(`${describeOp(op)}: expected 1 output, found ${op.outputs.length}`);
    const out = rule(ctx);
    const t = op.outputs[0]!;
    if (!inRange(t)) throw new ModelFormatError(`${describeOp(op)} writes tensor ${t} of ${tensors.length}`);
    if (shapes[t]) throw new ModelFormatError(`${describeOp(op)} writes ${name(t)}, which is a constant, a graph input or another operator's output`);
    if (!sameShape(tensors[t]!.shape, out)) {
      throw new ModelFormatError(`${describeOp(op)}: its output ${name(t)} is declared [${tensors[t]!.shape}] but its inputs and parameters make [${out}]`);
    }
    const n = elementCount(out);
    if (n > MAX_TENSOR_ELEMENTS) throw new ModelFormatError(`${describeOp(op)}: its output [${out}] has ${n} values; the limit is ${MAX_TENSOR_ELEMENTS}`);
    total += n;
    if (total > MAX_PLAN_ELEMENTS) throw new ModelFormatError(`the model's run-time tensors exceed ${MAX_PLAN_ELEMENTS} values (at ${describeOp(op)})`);
    shapes[t] = out;
    // DEQUANTIZE of a constant is that constant (the executor aliases it).
    if (op.opName === 'DEQUANTIZE') consts[t] = consts[op.inputs[0]!]!;
  }

  if (graph.outputs.length === 0) throw new ModelFormatError('the graph has no output');
  for (const t of graph.outputs) {
    if (!inRange(t)) throw new ModelFormatError(`a graph output refers to tensor ${t} of ${tensors.length}`);
    if (!shapes[t]) throw new ModelFormatError(`graph output ${name(t)} is never computed`);
  }
}

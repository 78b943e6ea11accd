/**
 * parseModel: a .tflite file -> a plain graph description (tensors with their constant data,
 * operators by name, graph inputs/outputs). Float16 constants are upcast to float32 here, once.
 *
 * The file may come from anywhere, so nothing in it is trusted: every offset is bounds
 * checked, every tensor index, shape and buffer reference is checked before anything is allocated,
 * data that several entries share is decoded once, and the total decoded is capped at a few times
 * the file's size (workBudgetFor). Every failure is a ModelFormatError.
 */
import { ModelFormatError } from '../errors.js';
import { elementCount, MAX_DIMENSION, MAX_RANK } from '../limits.js';
import { FlatBufferError, FlatBufferReader } from './flatbuffer.js';
import { decodeFlexBufferMap, flexBudgetFor, FlexBufferError, type FlexBudget, type FlexValue } from './flexbuffer.js';
import { float16ToFloat32 } from './fp16.js';
import { BUILTIN_OPS, CUSTOM_OP_CODE, TENSOR_TYPES, decodeBuiltinOptions, type BuiltinOptions, type TensorType } from './schema.js';

export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  /** Type in the file (a FLOAT16 constant keeps 'FLOAT16' here; its `data` is float32). */
  type: TensorType;
  /** Constant contents: float types as float32, INT32 as Int32Array; null for runtime tensors. */
  data: Float32Array | Int32Array | null;
}

export interface OperatorInfo {
  index: number;
  /** Builtin name (e.g. 'CONV_2D') or the custom code (e.g. 'TransformLandmarks'). */
  opName: string;
  custom: boolean;
  version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  options: BuiltinOptions | null;
  /** Decoded FlexBuffer custom options (empty object when none). */
  customOptions: Record<string, FlexValue>;
}

export interface OpCode { name: string; custom: boolean; version: number }

export interface ModelGraph {
  schemaVersion: number;
  description: string;
  opCodes: OpCode[];
  tensors: TensorInfo[];
  operators: OperatorInfo[];
  inputs: number[];
  outputs: number[];
}

export function parseModel(bytes: ArrayBuffer | Uint8Array): ModelGraph {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fb = new FlatBufferReader(u8);
  const ident = fb.identifier();
  if (ident !== 'TFL3') {
    const shown = u8.byteLength < 8 ? `only ${u8.byteLength} bytes` : `file identifier ${JSON.stringify(ident)}`;
    throw new ModelFormatError(`not a TFLite file (${shown}, expected "TFL3")`);
  }
  try {
    return readModel(fb);
  } catch (e) {
    if (e instanceof FlatBufferError || e instanceof FlexBufferError) throw new ModelFormatError(`truncated or corrupt TFLite file: ${e.message}`);
    throw e;
  }
}

/** A tensor index list from the file: each in [0, count), or -1 (an omitted optional input) when `optional`. */
function checkIndices(list: number[], count: number, optional: boolean, what: string): number[] {
  for (const t of list) {
    if (!(t < count && (t >= 0 || (optional && t === -1)))) {
      throw new ModelFormatError(`${what} refers to tensor ${t}; the subgraph has tensors 0..${count - 1}${optional ? ' (and -1 for an omitted input)' : ''}`);
    }
  }
  return list;
}

function checkShape(shape: number[], what: string): number[] {
  if (shape.length > MAX_RANK) throw new ModelFormatError(`${what} has rank ${shape.length}; at most ${MAX_RANK} is supported`);
  for (const d of shape) {
    // -1: a dimension only known at run time (RESHAPE targets); anything else must be a real size.
    if (d < -1 || d > MAX_DIMENSION) throw new ModelFormatError(`${what} has shape [${shape}]: dimension ${d} is out of range`);
  }
  return shape;
}

function readModel(fb: FlatBufferReader): ModelGraph {
  const m = fb.root();
  // Model: 0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers.
  const opCodes: OpCode[] = fb.tableVector(m, 1, 'operator_codes').map((oc) => {
    // OperatorCode: 0 deprecated_builtin_code (int8), 1 custom_code, 2 version, 3 builtin_code (int32).
    // Codes >= 127 only fit builtin_code; older files only set the deprecated one: take the larger.
    const code = Math.max(fb.fieldI8(oc, 0, 0), fb.fieldI32(oc, 3, 0));
    const custom = code === CUSTOM_OP_CODE;
    const name = custom ? (fb.string(oc, 1) ?? '') : (BUILTIN_OPS[code] ?? `BUILTIN_${code}`);
    return { name, custom, version: fb.fieldI32(oc, 2, 1) };
  });

  // Buffer: 0 data [ubyte], 1 offset (u64, from file start, for >2 GB models), 2 size.
  // (Views into the file: nothing is copied until a tensor's constant is decoded, once per buffer.)
  const buffers: (Uint8Array | null)[] = fb.tableVector(m, 4, 'buffers').map((b) => {
    const data = fb.byteVector(b, 0, 'buffer data');
    if (data && data.byteLength > 0) return data;
    const offset = fb.fieldU64(b, 1, 0);
    const size = fb.fieldU64(b, 2, 0);
    if (size === 0) return null;
    fb.check(offset, size, 'external buffer');
    return fb.bytes.subarray(offset, offset + size);
  });

  const subgraphs = fb.tableVector(m, 2, 'subgraphs');
  if (subgraphs.length === 0) throw new ModelFormatError('TFLite file has no subgraph');
  const sg = subgraphs[0]!;
  // SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name.
  // Constants decoded once per (buffer, type): tensors sharing a buffer share the array. Each
  // tensor's constant still counts against the budget, since the executor uploads it per tensor.
  const decoded = new Map<string, Float32Array | Int32Array>();
  const tensors = fb.tableVector(sg, 0, 'tensors').map((t, index): TensorInfo => {
    // Tensor: 0 shape, 1 type, 2 buffer, 3 name.
    const name = fb.string(t, 3) ?? `tensor_${index}`;
    const shape = checkShape(Array.from(fb.int32Vector(t, 0, 'tensor shape') ?? []), `tensor ${index} (${name})`);
    const typeCode = fb.fieldI8(t, 1, 0);
    const type: TensorType = TENSOR_TYPES[typeCode] ?? `TYPE_${typeCode}`;
    const bufferIndex = fb.fieldU32(t, 2, 0);
    const raw = bufferIndex > 0 ? buffers[bufferIndex] : null;
    if (raw === undefined) throw new ModelFormatError(`tensor ${index} (${name}) refers to missing buffer ${bufferIndex} (the file has ${buffers.length})`);
    if (!raw) return { index, name, shape, type, data: null };
    const what = `tensor ${index} (${name})`;
    const size = constantSize(raw, type, shape, what);
    fb.spend(size, what);
    const key = `${bufferIndex}/${type}`;
    let data = decoded.get(key);
    if (!data) {
      data = decodeConstant(raw, type);
      decoded.set(key, data);
    }
    return { index, name, shape, type, data };
  });
  const tensorCount = tensors.length;
  const flex: FlexCache = { budget: { left: flexBudgetFor(fb.length) }, byRange: new Map() };

  const operators = fb.tableVector(sg, 3, 'operators').map((o, index): OperatorInfo => {
    // Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options, 5 custom_options.
    const codeIndex = fb.fieldU32(o, 0, 0);
    const code = opCodes[codeIndex];
    if (!code) throw new ModelFormatError(`operator ${index} uses opcode_index ${codeIndex} of ${opCodes.length}`);
    const what = `operator ${index} (${code.name})`;
    const inputs = checkIndices(Array.from(fb.int32Vector(o, 1, 'operator inputs') ?? []), tensorCount, true, `${what} input`);
    const outputs = checkIndices(Array.from(fb.int32Vector(o, 2, 'operator outputs') ?? []), tensorCount, false, `${what} output`);
    return {
      index, opName: code.name, custom: code.custom, version: code.version, inputs, outputs,
      options: decodeBuiltinOptions(fb, fb.fieldU8(o, 3, 0), fb.table(o, 4)),
      customOptions: customOptions(fb, o, flex),
    };
  });

  const inputs = checkIndices(Array.from(fb.int32Vector(sg, 1, 'subgraph inputs') ?? []), tensorCount, false, 'a graph input');
  const outputs = checkIndices(Array.from(fb.int32Vector(sg, 2, 'subgraph outputs') ?? []), tensorCount, false, 'a graph output');
  return {
    schemaVersion: fb.fieldU32(m, 0, 0),
    description: fb.string(m, 3) ?? '',
    opCodes,
    tensors,
    operators,
    inputs,
    outputs,
  };
}

/** Decoded custom options per byte range (operators sharing one options vector share the result), and one budget for the file. */
interface FlexCache { budget: FlexBudget; byRange: Map<string, Record<string, FlexValue>> }

/** An operator's FlexBuffer options (field 5). */
function customOptions(fb: FlatBufferReader, op: number, cache: FlexCache): Record<string, FlexValue> {
  const bytes = fb.byteVector(op, 5, 'custom_options');
  if (!bytes || bytes.byteLength === 0) return {};
  const key = `${bytes.byteOffset}/${bytes.byteLength}`;
  let map = cache.byRange.get(key);
  if (!map) {
    map = decodeFlexBufferMap(bytes, cache.budget);
    cache.byRange.set(key, map);
  }
  return map;
}

/** Bytes the decoded constant takes (float32 or int32), after checking its type and size. */
function constantSize(raw: Uint8Array, type: TensorType, shape: number[], what: string): number {
  if (type !== 'FLOAT16' && type !== 'FLOAT32' && type !== 'INT32') {
    throw new ModelFormatError(`${what}: constant of type ${type} is not supported (only FLOAT16, FLOAT32, INT32)`);
  }
  if (shape.some((d) => d < 0)) throw new ModelFormatError(`${what}: a constant's shape [${shape}] must be fully known`);
  const n = elementCount(shape);
  const size = type === 'FLOAT16' ? 2 : 4;
  if (raw.byteLength !== n * size) {
    throw new ModelFormatError(`${what}: buffer has ${raw.byteLength} bytes, shape [${shape}] of ${type} needs ${n * size}`);
  }
  return 4 * n;
}

function decodeConstant(raw: Uint8Array, type: TensorType): Float32Array | Int32Array {
  if (type === 'FLOAT16') return float16ToFloat32(raw, 0, raw.byteLength / 2);
  // slice(): a 4-byte aligned copy (buffer data in the file need not be aligned).
  const copy = raw.slice().buffer;
  return type === 'FLOAT32' ? new Float32Array(copy) : new Int32Array(copy);
}

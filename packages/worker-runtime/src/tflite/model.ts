/**
 * parseModel: a .tflite file -> a plain graph description (tensors with their constant data,
 * operators by name, graph inputs/outputs). Float16 constants are upcast to float32 here, once.
 */
import { FlatBufferError, FlatBufferReader } from './flatbuffer.js';
import { decodeFlexBufferMap, type FlexValue } from './flexbuffer.js';
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

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

const elementCount = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

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
    if (e instanceof FlatBufferError) throw new ModelFormatError(`truncated or corrupt TFLite file: ${e.message}`);
    throw e;
  }
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
  const tensors = fb.tableVector(sg, 0, 'tensors').map((t, index): TensorInfo => {
    // Tensor: 0 shape, 1 type, 2 buffer, 3 name.
    const shape = Array.from(fb.int32Vector(t, 0, 'tensor shape') ?? []);
    const typeCode = fb.fieldI8(t, 1, 0);
    const type: TensorType = TENSOR_TYPES[typeCode] ?? `TYPE_${typeCode}`;
    const name = fb.string(t, 3) ?? `tensor_${index}`;
    const bufferIndex = fb.fieldU32(t, 2, 0);
    const raw = bufferIndex > 0 ? buffers[bufferIndex] : null;
    if (raw === undefined) throw new ModelFormatError(`tensor ${index} (${name}) refers to missing buffer ${bufferIndex}`);
    return { index, name, shape, type, data: raw ? decodeConstant(raw, type, shape, `tensor ${index} (${name})`) : null };
  });

  const operators = fb.tableVector(sg, 3, 'operators').map((o, index): OperatorInfo => {
    // Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options, 5 custom_options.
    const codeIndex = fb.fieldU32(o, 0, 0);
    const code = opCodes[codeIndex];
    if (!code) throw new ModelFormatError(`operator ${index} uses opcode_index ${codeIndex} of ${opCodes.length}`);
    const inputs = Array.from(fb.int32Vector(o, 1, 'operator inputs') ?? []);
    const outputs = Array.from(fb.int32Vector(o, 2, 'operator outputs') ?? []);
    for (const t of [...inputs, ...outputs]) {
      if (t >= tensors.length) throw new ModelFormatError(`operator ${index} (${code.name}) refers to tensor ${t} of ${tensors.length}`);
    }
    const customBytes = fb.byteVector(o, 5, 'custom_options');
    return {
      index, opName: code.name, custom: code.custom, version: code.version, inputs, outputs,
      options: decodeBuiltinOptions(fb, fb.fieldU8(o, 3, 0), fb.table(o, 4)),
      customOptions: customBytes && customBytes.byteLength > 0 ? decodeFlexBufferMap(customBytes) : {},
    };
  });

  return {
    schemaVersion: fb.fieldU32(m, 0, 0),
    description: fb.string(m, 3) ?? '',
    opCodes,
    tensors,
    operators,
    inputs: Array.from(fb.int32Vector(sg, 1, 'subgraph inputs') ?? []),
    outputs: Array.from(fb.int32Vector(sg, 2, 'subgraph outputs') ?? []),
  };
}

function decodeConstant(raw: Uint8Array, type: TensorType, shape: number[], what: string): Float32Array | Int32Array {
  const n = elementCount(shape);
  const size = type === 'FLOAT16' ? 2 : 4;
  if (type !== 'FLOAT16' && type !== 'FLOAT32' && type !== 'INT32') {
    throw new ModelFormatError(`${what}: constant of type ${type} is not supported (only FLOAT16, FLOAT32, INT32)`);
  }
  if (raw.byteLength !== n * size) {
    throw new ModelFormatError(`${what}: buffer has ${raw.byteLength} bytes, shape [${shape}] of ${type} needs ${n * size}`);
  }
  if (type === 'FLOAT16') return float16ToFloat32(raw, 0, n);
  // slice(): a 4-byte aligned copy (buffer data in the file need not be aligned).
  const copy = raw.slice().buffer;
  return type === 'FLOAT32' ? new Float32Array(copy) : new Int32Array(copy);
}

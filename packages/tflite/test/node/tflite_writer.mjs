/**
 * A tiny FlatBuffer writer for hand-made (and deliberately hostile) TFLite files in node tests.
 * Nodes: table([...fields]) with fields i8/u8/i32/u32 scalars or child nodes, vector nodes, str().
 * The same JS node referenced twice is written once: that is how a test makes aliased tables.
 * Children are written after their parents (uoffsets point forward, as the format requires).
 */
export const i8 = (v) => ({ scalar: 'i8', v });
export const u8 = (v) => ({ scalar: 'u8', v });
export const i32 = (v) => ({ scalar: 'i32', v });
export const u32 = (v) => ({ scalar: 'u32', v });
export const table = (fields) => ({ kind: 'table', fields });
export const tables = (items) => ({ kind: 'tables', items });
export const ints = (items) => ({ kind: 'ints', items });
export const bytes = (items) => ({ kind: 'bytes', items: Uint8Array.from(items) });
export const str = (s) => ({ kind: 'str', s });

export function serialize(root, identifier = 'TFL3') {
  let buf = new Uint8Array(1024);
  let view = new DataView(buf.buffer);
  let end = 0;
  const reserve = (n) => {
    while (end + n > buf.length) {
      const next = new Uint8Array(buf.length * 2);
      next.set(buf);
      buf = next;
      view = new DataView(buf.buffer);
    }
    const at = end;
    end += n;
    return at;
  };
  const align = () => { while (end % 4) reserve(1); };
  const pos = new Map();
  const patches = [];
  const queue = [];
  const ref = (at, node) => { patches.push({ at, node }); queue.push(node); };

  reserve(8);
  for (let i = 0; i < 4; i++) buf[4 + i] = identifier.charCodeAt(i);
  ref(0, root);
  while (queue.length) {
    const node = queue.shift();
    if (pos.has(node)) continue;
    align();
    if (node.kind === 'table') {
      const n = node.fields.length;
      const vt = reserve(4 + 2 * n);
      align();
      const t = reserve(4 + 4 * n);
      view.setUint16(vt, 4 + 2 * n, true);
      view.setUint16(vt + 2, 4 + 4 * n, true);
      view.setInt32(t, t - vt, true);
      node.fields.forEach((f, k) => {
        if (f === undefined || f === null) return;
        const at = t + 4 + 4 * k;
        view.setUint16(vt + 4 + 2 * k, at - t, true);
        if (f.scalar === 'i8') view.setInt8(at, f.v);
        else if (f.scalar === 'u8') view.setUint8(at, f.v);
        else if (f.scalar === 'i32') view.setInt32(at, f.v, true);
        else if (f.scalar === 'u32') view.setUint32(at, f.v, true);
        else ref(at, f);
      });
      pos.set(node, t);
    } else if (node.kind === 'str') {
      const b = new TextEncoder().encode(node.s);
      const at = reserve(4 + b.length + 1);
      view.setUint32(at, b.length, true);
      buf.set(b, at + 4);
      pos.set(node, at);
    } else {
      const n = node.items.length;
      const size = node.kind === 'bytes' ? 1 : 4;
      const at = reserve(4 + n * size);
      view.setUint32(at, n, true);
      node.items.forEach((item, k) => {
        const e = at + 4 + k * size;
        if (node.kind === 'bytes') buf[e] = item;
        else if (node.kind === 'ints') view.setInt32(e, item, true);
        else ref(e, item);
      });
      pos.set(node, at);
    }
  }
  for (const { at, node } of patches) {
    const rel = pos.get(node) - at;
    if (rel <= 0) throw new Error('tflite_writer: a child ended up before its referrer (reorder the shared nodes)');
    view.setUint32(at, rel, true);
  }
  return buf.slice(0, end);
}

const f32Bytes = (values) => new Uint8Array(Float32Array.from(values).buffer);
const i32Bytes = (values) => new Uint8Array(Int32Array.from(values).buffer);

/**
 * A small valid model: x [1,4,4,1] -> PAD (paddings [[0,0],[1,1],[1,1],[0,0]]) -> [1,6,6,1] -> ADD 0.5.
 * `edit(parts)` may change the parts before they are serialized.
 */
export function tinyModel(edit = () => {}) {
  const parts = {
    paddings: [0, 0, 1, 1, 1, 1, 0, 0],
    tensors: [
      { shape: [1, 4, 4, 1], type: 0, buffer: 0, name: 'x' },
      { shape: [4, 2], type: 2, buffer: 1, name: 'paddings' },
      { shape: [1, 6, 6, 1], type: 0, buffer: 0, name: 'padded' },
      { shape: [1], type: 0, buffer: 2, name: 'half' },
      { shape: [1, 6, 6, 1], type: 0, buffer: 0, name: 'y' },
    ],
    ops: [
      { opcode: 0, inputs: [0, 1], outputs: [2] },
      { opcode: 1, inputs: [2, 3], outputs: [4], options: [11, table([i8(0)])] },
    ],
    inputs: [0],
    outputs: [4],
  };
  edit(parts);
  const buffers = [table([]), table([bytes(i32Bytes(parts.paddings))]), table([bytes(f32Bytes([0.5]))]), ...(parts.extraBuffers ?? [])];
  const tensorNodes = parts.tensorNodes ?? parts.tensors.map((t) => table([ints(t.shape), i8(t.type), u32(t.buffer), str(t.name)]));
  const opNodes = parts.opNodes ?? parts.ops.map((o) => table([
    u32(o.opcode), ints(o.inputs), ints(o.outputs), o.options ? u8(o.options[0]) : null, o.options ? o.options[1] : null,
    o.custom ? bytes(o.custom) : null,
  ]));
  const opcodes = parts.opcodes ?? [table([i8(34), null, i32(1), i32(34)]), table([i8(0), null, i32(1), i32(0)])];
  const subgraph = table([tables(tensorNodes), ints(parts.inputs), ints(parts.outputs), tables(opNodes), str('main')]);
  return serialize(table([u32(3), tables(opcodes), tables([subgraph]), str('tiny'), tables(buffers)]));
}

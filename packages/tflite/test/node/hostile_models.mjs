/**
 * Hostile TFLite files, small on disk and ruinous to a naive parser: for the node tests and for the
 * browser tests' broken asset folders (web-test-runner.config.mjs, `asset-variant`).
 */
import { bytes, i8, i32, str, table, tinyModel, u32, ints } from './tflite_writer.mjs';

/**
 * A FlexBuffer of `levels` untyped vectors, each holding `width` references to the previous one
 * (the first holds ints): a few hundred bytes whose full expansion has width^levels leaves.
 */
export function flexBomb(levels, width) {
  const out = [];
  // level 0: a vector of `width` 1-byte ints; layout per vector: [len][slots...][types...]
  out.push(width, ...Array(width).fill(7), ...Array(width).fill(1 << 2));
  let prev = 1; // position of the first slot of the previous vector
  for (let l = 1; l < levels; l++) {
    out.push(width);
    const start = out.length;
    for (let k = 0; k < width; k++) out.push(start + k - prev); // back to the previous vector's slots
    out.push(...Array(width).fill((10 << 2) | 0)); // VECTOR, width 1
    prev = start;
  }
  // root: an offset back to the last vector, then its packed type and the root width (1)
  out.push(out.length - prev, (10 << 2) | 0, 1);
  if (out.some((b) => b > 255)) throw new Error('flexBomb: offsets do not fit one byte');
  return Uint8Array.from(out);
}

/** A tiny model whose first op carries a 30-level FlexBuffer bomb as custom options (~200 bytes, 4^30 paths). */
export function flexBombModel() {
  return tinyModel((p) => {
    p.opcodes = [table([i8(32), str('TransformLandmarks'), i32(2), i32(32)]), table([i8(0), null, i32(1), i32(0)])];
    p.ops[0].custom = flexBomb(30, 4);
  });
}

/** A ~50 KB model with 4000 tensor entries pointing at one tensor table with a 16 KB constant (64 MB if copied per entry). */
export function aliasedTablesModel() {
  const shared = table([ints([4096]), i8(0), u32(3), str('shared')]);
  return tinyModel((p) => {
    p.extraBuffers = [table([bytes(new Uint8Array(16384))])];
    const own = p.tensors.map((t) => table([ints(t.shape), i8(t.type), u32(t.buffer), str(t.name)]));
    p.tensorNodes = [...own, ...Array(4000).fill(shared)];
  });
}

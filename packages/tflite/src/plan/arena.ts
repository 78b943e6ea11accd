/**
 * Memory plan for a model's intermediate tensors: each buffer lives from the step that writes it
 * to the last step that reads it, and buffers whose lifetimes do not overlap share memory. Offsets
 * are in float32 elements within one arena, aligned to 4 elements (16 bytes, one SIMD vector).
 * Greedy by size, largest first, each at the lowest offset that fits (the usual heuristic; for
 * these chain-like graphs the arena comes out close to the largest two or three live tensors).
 */
export interface BufferLifetime {
  /** Elements (float32). */
  size: number;
  /** First step that writes it (-1: written before the first step, e.g. the graph input). */
  first: number;
  /** Last step that reads it (Infinity: read after the last step, e.g. a graph output). */
  last: number;
}

export interface ArenaPlan {
  /** Offset of each buffer, in elements. */
  offsets: number[];
  /** Arena size in elements. */
  size: number;
}

const ALIGN = 4;
const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export function planArena(buffers: readonly BufferLifetime[]): ArenaPlan {
  const order = buffers.map((_, i) => i).sort((a, b) => buffers[b]!.size - buffers[a]!.size || a - b);
  const offsets = new Array<number>(buffers.length).fill(-1);
  const placed: number[] = [];
  let size = 0;
  for (const i of order) {
    const b = buffers[i]!;
    const need = alignUp(b.size);
    // Memory ranges taken by placed buffers alive at the same time, by offset.
    const busy = placed
      .filter((j) => buffers[j]!.first <= b.last && b.first <= buffers[j]!.last)
      .map((j) => [offsets[j]!, offsets[j]! + alignUp(buffers[j]!.size)] as const)
      .sort((x, y) => x[0] - y[0]);
    let offset = 0;
    for (const [start, end] of busy) {
      if (offset + need <= start) break;
      offset = Math.max(offset, end);
    }
    offsets[i] = offset;
    placed.push(i);
    size = Math.max(size, offset + need);
  }
  return { offsets, size };
}

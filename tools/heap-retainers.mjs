/**
 * Why is an object still alive? Reads a V8 heap snapshot (the JSON of DevTools' "Heap snapshot",
 * e.g. from CDP HeapProfiler.takeHeapSnapshot) and gives, for each node whose name matches, the
 * shortest chain of strong references from the GC roots to it. The leak tests print it when a
 * removed element is still reachable, so a failure names its cause.
 */

/** @typedef {{ snapshot: { meta: any }, nodes: number[], edges: number[], strings: string[] }} HeapSnapshot */

/**
 * @param {HeapSnapshot} snapshot
 * @param {(name: string, type: string) => boolean} match  which nodes to explain (name and node type, e.g. 'native' for DOM nodes)
 * @param {number} [limit] how many matching nodes to explain
 * @returns {{ node: string, path: string[] | null }[]} path: root first, each step "node -edge->"; null when unreachable
 */
export function retainingPaths(snapshot, match, limit = 3) {
  const { meta } = snapshot.snapshot;
  const nodeFields = meta.node_fields;
  const edgeFields = meta.edge_fields;
  const NF = nodeFields.length;
  const EF = edgeFields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / NF;
  const typeAt = nodeFields.indexOf('type');
  const nameAt = nodeFields.indexOf('name');
  const idAt = nodeFields.indexOf('id');
  const edgeCountAt = nodeFields.indexOf('edge_count');
  const edgeTypeAt = edgeFields.indexOf('type');
  const edgeNameAt = edgeFields.indexOf('name_or_index');
  const toAt = edgeFields.indexOf('to_node');

  // Edges are stored per node in node order; build the reverse (retainer) lists, strong edges only.
  /** @type {[number, string][][]} */
  const retainers = Array.from({ length: count }, () => []);
  for (let n = 0, e = 0; n < count; n++) {
    const end = e + nodes[n * NF + edgeCountAt] * EF;
    for (; e < end; e += EF) {
      const type = edgeTypes[edges[e + edgeTypeAt]];
      if (type === 'weak') continue;
      const label = type === 'element' || type === 'hidden' ? `[${edges[e + edgeNameAt]}]` : strings[edges[e + edgeNameAt]];
      retainers[edges[e + toAt] / NF].push([n, `${type}:${label}`]);
    }
  }
  const describe = (n) => `${nodeTypes[nodes[n * NF + typeAt]]}:${strings[nodes[n * NF + nameAt]].slice(0, 100)}@${nodes[n * NF + idAt]}`;

  const results = [];
  for (let target = 0; target < count && results.length < limit; target++) {
    if (!match(strings[nodes[target * NF + nameAt]], nodeTypes[nodes[target * NF + typeAt]])) continue;
    // Breadth-first from the target back to node 0 (the snapshot's root): the shortest chain.
    /** @type {Map<number, [number, string] | null>} */
    const next = new Map([[target, null]]);
    const queue = [target];
    let reached = false;
    for (let head = 0; head < queue.length && !reached; head++) {
      const n = queue[head];
      for (const [from, label] of retainers[n]) {
        if (next.has(from)) continue;
        next.set(from, [n, label]);
        if (from === 0) {
          reached = true;
          break;
        }
        queue.push(from);
      }
    }
    let path = null;
    if (reached) {
      path = [];
      for (let n = 0; next.get(n); n = next.get(n)[0]) path.push(`${describe(n)} -${next.get(n)[1]}->`);
      path.push(describe(target));
    }
    results.push({ node: describe(target), path });
  }
  return results;
}

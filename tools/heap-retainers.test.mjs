import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retainingPaths } from './heap-retainers.mjs';

/** A tiny snapshot in V8's format: nodes [type, name, id, edge_count], edges [type, name_or_index, to_node]. */
function snapshot(nodeList, edgeList) {
  const strings = [];
  const str = (s) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const nodeTypes = ['synthetic', 'object', 'native'];
  const edgeTypes = ['property', 'element', 'weak'];
  const nodes = [];
  const edges = [];
  nodeList.forEach(([type, name], i) => {
    const out = edgeList.filter(([from]) => from === i);
    nodes.push(nodeTypes.indexOf(type), str(name), i + 1, out.length);
    for (const [, type, name, to] of out) edges.push(edgeTypes.indexOf(type), type === 'element' ? name : str(name), to * 4);
  });
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'edge_count'], edge_fields: ['type', 'name_or_index', 'to_node'], node_types: [nodeTypes], edge_types: [edgeTypes] } },
    nodes, edges, strings,
  };
}

test('the shortest strong chain from the root, weak edges ignored', () => {
  const snap = snapshot(
    [['synthetic', ''], ['object', 'Window'], ['object', 'Listener'], ['native', '<face-mesh>'], ['object', 'Cache'], ['native', '<face-mesh id=b>']],
    [
      [0, 'property', 'window', 1],
      [1, 'property', 'listener', 2],
      [1, 'property', 'cache', 4],
      [2, 'property', 'this', 3],
      [4, 'element', 7, 2], // a longer way round to the same element
      [4, 'weak', 'ref', 5], // only weakly held: unreachable
    ],
  );
  const found = retainingPaths(snap, (name, type) => type === 'native' && name.startsWith('<face-mesh'));
  assert.equal(found.length, 2);
  assert.deepEqual(found[0].path, ['synthetic:@1 -property:window->', 'object:Window@2 -property:listener->', 'object:Listener@3 -property:this->', 'native:<face-mesh>@4']);
  assert.equal(found[1].node, 'native:<face-mesh id=b>@6');
  assert.equal(found[1].path, null);
});

test('limit caps the number explained', () => {
  const snap = snapshot([['synthetic', ''], ['native', '<face-mesh>'], ['native', '<face-mesh>']], [[0, 'element', 0, 1], [0, 'element', 1, 2]]);
  assert.equal(retainingPaths(snap, () => true, 1).length, 1);
  assert.deepEqual(retainingPaths(snap, (n) => n === '<face-mesh>', 5).map((r) => r.path.length), [2, 2]);
});

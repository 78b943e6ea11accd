// What a kernel module must be to share the tfjs backend's memory: it imports that memory (env.memory)
// and nothing else, and never writes to memory on its own at instantiation (no data segments, no
// start function), so attaching it cannot overwrite the backend's tensors or allocator state.

/** Section ids of the WebAssembly binary format. */
const START = 8;
const DATA = 11;

function sectionIds(bytes) {
  const ids = [];
  let i = 8; // magic + version
  while (i < bytes.length) {
    const id = bytes[i++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[i++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    ids.push(id);
    i += size;
  }
  return ids;
}

/** Throws when `bytes` is not a module that may be attached to the backend's memory. */
export function checkKernelModule(bytes, shared) {
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'memory' || imports[0].kind !== 'memory') {
    throw new Error(`kernel module: expected one import, env.memory; found ${JSON.stringify(imports)}`);
  }
  const ids = sectionIds(bytes);
  if (ids.includes(DATA)) throw new Error('kernel module: has a data segment (it would write into the backend memory)');
  if (ids.includes(START)) throw new Error('kernel module: has a start function');
  // A shared-memory import only accepts a shared memory and vice versa: check the build matches.
  const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 65536, shared: true } : { initial: 1 });
  new WebAssembly.Instance(module, { env: { memory } });
  return module;
}

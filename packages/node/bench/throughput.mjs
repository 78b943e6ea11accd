#!/usr/bin/env node
// `npm run bench:node [-- --workers 1,2 --rounds 5]`: images per second of the Node pipeline
// (decode with sharp + detector + mesh, still images, --max-faces 10) on the six 1920-px sample
// photos of @vladmandic/face-api, for each worker-thread count. Thread start-up and model loading
// are not counted (one warm-up pass first). A script, not a test: it prints a table and writes
// bench-results/node-throughput.json with the machine and the load average.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { FaceMeshPool } = await import(path.join(root, 'packages/node/dist/index.js'));
const { values } = parseArgs({ options: { workers: { type: 'string' }, rounds: { type: 'string' } } });
const cores = os.availableParallelism();
const counts = (values.workers ?? [...new Set([1, cores])].join(',')).split(',').map(Number);
const rounds = Number(values.rounds ?? 5);
const samples = [1, 2, 3, 4, 5, 6].map((i) => path.join(root, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));
const images = Array.from({ length: rounds }, () => samples).flat();

const loadStart = os.loadavg();
const rows = [];
for (const workers of counts) {
  const pool = await FaceMeshPool.create({ workers, maxFaces: 10, staticImageMode: true });
  try {
    await Promise.all(samples.map((f) => pool.detect(f)));
    const t0 = performance.now();
    const faces = (await Promise.all(images.map((f) => pool.detect(f)))).reduce((n, r) => n + r.faces.length, 0);
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ workers, images: images.length, faces, seconds, imagesPerSecond: images.length / seconds });
  } finally {
    await pool.close();
  }
}
const loadEnd = os.loadavg();

console.log(`face-mesh Node throughput, ${new Date().toISOString().slice(0, 16)}Z: ${cores} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at end`);
console.log(`Still images, 1920 px wide (the six face-api samples x ${rounds}), decode + detector + mesh, --max-faces 10, tfjs wasm SIMD, one wasm thread per worker thread.\n`);
console.log('| worker threads | images | faces | seconds | images/s |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.workers} | ${r.images} | ${r.faces} | ${r.seconds.toFixed(2)} | ${r.imagesPerSecond.toFixed(1)} |`);
mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(path.join(root, 'bench-results/node-throughput.json'), `${JSON.stringify({ date: new Date().toISOString(), cores, cpu: os.cpus()[0]?.model, node: process.version, loadStart, loadEnd, rounds, rows }, null, 2)}\n`);

#!/usr/bin/env node
// `npm run bench:node [-- --workers 1,2 --rounds 5 --video-seconds 10 --long-minutes 0]`: throughput
// of the Node pipeline for each worker-thread count, and the peak resident memory of this process
// and its ffmpeg children (sampled every 100 ms from /proc).
// - Still images: decode with sharp + detector + mesh, --max-faces 10, on the six 1920-px sample
//   photos of @vladmandic/face-api, after one warm-up pass.
// - Video frames: a generated 1920x1080 30 fps H.264 clip of sample1's face (made with ffmpeg,
//   cached under node_modules/.cache/face-mesh), one copy per thread, decoded by ffmpeg and tracked
//   (--max-faces 1): frames/s of all threads together.
// - --long-minutes M: one M-minute clip of the same kind through one thread, for the peak memory of
//   a long video (frames are streamed, so it should not grow with the length).
// Thread start-up and model loading are not counted. A script, not a test: it prints tables and
// writes bench-results/node-throughput.json with the machine and the load average.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { FaceMeshPool, findFfmpeg } = await import(path.join(root, 'packages/node/dist/index.js'));
const { values } = parseArgs({ options: { workers: { type: 'string' }, rounds: { type: 'string' }, 'video-seconds': { type: 'string' }, 'long-minutes': { type: 'string' } } });
const cores = os.availableParallelism();
const counts = (values.workers ?? [...new Set([1, cores])].join(',')).split(',').map(Number);
const rounds = Number(values.rounds ?? 5);
const videoSeconds = Number(values['video-seconds'] ?? 10);
const longMinutes = Number(values['long-minutes'] ?? 0);
const samples = [1, 2, 3, 4, 5, 6].map((i) => path.join(root, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));
const images = Array.from({ length: rounds }, () => samples).flat();
const ffmpeg = findFfmpeg();

/** Resident memory (kB) of this process and of its children (ffmpeg), from /proc. */
function treeRssKb() {
  const kb = (pid) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  let total = kb(process.pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) total += kb(entry);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Runs `fn` while sampling the tree's RSS; its result and the peak in MB. */
async function withPeakRss(fn) {
  let peak = treeRssKb();
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb())), 100);
  try {
    const result = await fn();
    return { result, peakRssMb: Math.round(Math.max(peak, treeRssKb()) / 1024) };
  } finally {
    clearInterval(timer);
  }
}

function clip(seconds) {
  const cache = path.join(root, 'node_modules/.cache/face-mesh');
  const file = path.join(cache, `bench-1080p-${seconds}s.mp4`);
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  // sample1 (1920x1280) cropped to 1080 rows, the crop moving up and down: the face moves.
  const r = spawnSync(ffmpeg, ['-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', samples[0], '-vf', "crop=1920:1080:0:'100+90*sin(n/15)',setsar=1,format=yuv420p", '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-an', `${file}.tmp.mp4`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the bench clip: ${r.stderr}`);
  renameSync(`${file}.tmp.mp4`, file);
  return file;
}

async function trackVideos(pool, file, copies) {
  const started = performance.now();
  const frames = await Promise.all(Array.from({ length: copies }, () => pool.video(file, { ffmpeg, sampling: {} }, () => {})));
  return { frames: frames.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
}

const loadStart = os.loadavg();
const imageRows = [];
const videoRows = [];
const video = clip(videoSeconds);
for (const workers of counts) {
  const pool = await FaceMeshPool.create({ workers, maxFaces: 10, staticImageMode: true });
  try {
    await Promise.all(samples.map((f) => pool.detect(f)));
    const { result, peakRssMb } = await withPeakRss(async () => {
      const t0 = performance.now();
      const faces = (await Promise.all(images.map((f) => pool.detect(f)))).reduce((n, r) => n + r.faces.length, 0);
      return { faces, seconds: (performance.now() - t0) / 1000 };
    });
    imageRows.push({ workers, images: images.length, faces: result.faces, seconds: result.seconds, imagesPerSecond: images.length / result.seconds, peakRssMb });
  } finally {
    await pool.close();
  }
  const videoPool = await FaceMeshPool.create({ workers, maxFaces: 1, staticImageMode: false });
  try {
    const { result, peakRssMb } = await withPeakRss(() => trackVideos(videoPool, video, workers));
    videoRows.push({ workers, videos: workers, frames: result.frames, seconds: result.seconds, framesPerSecond: result.frames / result.seconds, peakRssMb });
  } finally {
    await videoPool.close();
  }
}
let long = null;
if (longMinutes > 0) {
  const file = clip(longMinutes * 60);
  const pool = await FaceMeshPool.create({ workers: 1, maxFaces: 1, staticImageMode: false });
  try {
    const { result, peakRssMb } = await withPeakRss(() => trackVideos(pool, file, 1));
    long = { minutes: longMinutes, width: 1920, height: 1080, fps: 30, frames: result.frames, seconds: result.seconds, framesPerSecond: result.frames / result.seconds, peakRssMb };
  } finally {
    await pool.close();
  }
}
const loadEnd = os.loadavg();

const cpu = os.cpus()[0]?.model.trim();
console.log(`face-mesh Node throughput, ${new Date().toISOString().slice(0, 16)}Z: ${cores} cores (${cpu}), Node ${process.version}, ${ffmpeg}, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at end`);
console.log(`\nStill images, 1920 px wide (the six face-api samples x ${rounds}), decode + detector + mesh, --max-faces 10, tfjs wasm SIMD, one wasm thread per worker thread.\n`);
console.log('| worker threads | images | faces | seconds | images/s | peak RSS |');
console.log('|---|---|---|---|---|---|');
for (const r of imageRows) console.log(`| ${r.workers} | ${r.images} | ${r.faces} | ${r.seconds.toFixed(2)} | ${r.imagesPerSecond.toFixed(1)} | ${r.peakRssMb} MB |`);
console.log(`\nVideo, 1920x1080 30 fps H.264, ${videoSeconds} s a copy, one copy per thread, ffmpeg decode + tracking (--max-faces 1); RSS includes the ffmpeg processes.\n`);
console.log('| worker threads (videos) | frames | seconds | frames/s | peak RSS |');
console.log('|---|---|---|---|---|');
for (const r of videoRows) console.log(`| ${r.workers} | ${r.frames} | ${r.seconds.toFixed(2)} | ${r.framesPerSecond.toFixed(1)} | ${r.peakRssMb} MB |`);
if (long) console.log(`\nLong video: ${long.minutes} min of 1920x1080 at 30 fps (${long.frames} frames) on one thread in ${long.seconds.toFixed(0)} s (${long.framesPerSecond.toFixed(1)} frames/s), peak RSS ${long.peakRssMb} MB.`);
mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(path.join(root, 'bench-results/node-throughput.json'), `${JSON.stringify({ date: new Date().toISOString(), cores, cpu, node: process.version, loadStart, loadEnd, rounds, images: imageRows, videoSeconds, video: videoRows, long }, null, 2)}\n`);

// The fake camera's clip for the browser tests: 2 s of a still face (the 640x480 crop of
// @vladmandic/face-api's sample1.jpg, so every face frame has the same pixels), then 1 s without a face, as y4m
// (yuv420p, 15 fps). Made with ffmpeg on first use and cached under node_modules/.cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = path.join(root, 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
const CACHE = path.join(root, 'node_modules/.cache/face-mesh');

// Face for 2 s, then plain grey for 1 s.
const FILTER = [
  '[0:v]crop=640:480:1232:86,setsar=1,fps=15,trim=duration=2,setpts=PTS-STARTPTS[face];',
  'color=c=gray:s=640x480:r=15:d=1,setsar=1[blank];',
  '[face][blank]concat=n=2:v=1:a=0,format=yuv420p[out]',
].join('');

/** Path of the y4m clip, made if missing. Throws with a clear message when ffmpeg is not installed. */
export function ensureTestClip(name = 'still-face-then-blank.y4m') {
  const out = path.join(CACHE, name);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${out}.tmp.y4m`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', SAMPLE, '-filter_complex', FILTER, '-map', '[out]', '-frames:v', '45', '-f', 'yuv4mpegpipe', tmp], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`Could not make the fake-camera clip with ffmpeg (${r.error?.message ?? r.stderr}). Install it: apt-get install ffmpeg`);
  }
  renameSync(tmp, out);
  return out;
}

/**
 * An H.264 MP4 of the still face (1 s, 15 fps), for the engines that cannot play it (WebKitGTK
 * without GStreamer's H.264 decoder): made like the y4m clip, cached; its URL path from the root.
 */
export function ensureTestMp4(name = 'still-face.mp4') {
  const out = path.join(CACHE, name);
  if (!existsSync(out)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${out}.tmp.mp4`;
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', SAMPLE, '-vf', 'crop=640:480:1232:86,setsar=1,fps=15,format=yuv420p', '-t', '1', '-c:v', 'libx264', '-profile:v', 'baseline', '-movflags', '+faststart', '-an', tmp], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`Could not make the H.264 test clip with ffmpeg (${r.error?.message ?? r.stderr}). Install it: apt-get install ffmpeg`);
    }
    renameSync(tmp, out);
  }
  return `/${path.relative(root, out)}`;
}

/**
 * A 30 fps WebM (VP8) of the still face, 2 s: a source faster than the fake camera's 15 fps, for
 * the `max-fps` test. Made like the y4m clip, cached; its URL path from the root.
 */
export function ensureTestWebm30(name = 'still-face-30fps.webm') {
  const out = path.join(CACHE, name);
  if (!existsSync(out)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${out}.tmp.webm`;
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', SAMPLE, '-vf', 'crop=640:480:1232:86,setsar=1,fps=30,format=yuv420p', '-t', '2', '-c:v', 'libvpx', '-b:v', '1M', '-an', tmp], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`Could not make the 30 fps test clip with ffmpeg (${r.error?.message ?? r.stderr}). Install it: apt-get install ffmpeg`);
    }
    renameSync(tmp, out);
  }
  return `/${path.relative(root, out)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) console.log(ensureTestClip());

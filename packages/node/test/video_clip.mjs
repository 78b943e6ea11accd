// The video tests' clips, made with ffmpeg (Debian's, as CI installs it) from a face-api sample photo.
import { spawnSync } from 'node:child_process';
import { sample } from './helpers.mjs';

export function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${r.error?.message ?? r.stderr}); the video tests need ffmpeg: apt-get install ffmpeg`);
}

/**
 * 2 s at 15 fps (30 frames) of a 640x480 crop of sample1's face panning right by 2 px a frame,
 * encoded with `codec` (by default H.264 with a key frame every 5 frames and high quality: a file
 * cut in the middle then still has whole frames before the cut).
 */
export function makeClip(file, codec = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '5', '-bf', '0', '-crf', '12']) {
  ffmpeg(['-loop', '1', '-framerate', '15', '-i', sample('sample1'), '-vf', 'crop=640:480:1200+2*n:86,setsar=1', '-frames:v', '30', ...codec, '-an', file]);
  return file;
}

/** The clip's decoded frames as RGBA PNGs (lossless: the pixels the CLI's ffmpeg pipe gives), dir/0001.png... */
export function decodeToPngs(clip, dir) {
  ffmpeg(['-i', clip, '-vf', 'format=rgba', '-vsync', 'passthrough', `${dir}/%04d.png`]);
}

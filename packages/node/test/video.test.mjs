// `face-mesh landmarks` on video files: decoded by ffmpeg, one JSONL line per frame (index, pts),
// sampling, failures with codes, resuming, the decoder missing. The clips are made here with ffmpeg
// (Debian's, as CI installs it) from a face-api sample photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, sample, tmpDir } from './helpers.mjs';
import { decodeToPngs, ffmpeg, makeClip } from './video_clip.mjs';

const FPS = 15;
const FRAMES = 30;

const dir = tmpDir();
const clip = makeClip(path.join(dir, 'clip.mp4'));

function run(args, options = {}) {
  const r = spawnSync(options.node ?? process.execPath, [cli, 'landmarks', ...args], { cwd: dir, encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 28, env: options.env ?? process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (text) => text.trim().split('\n').map((l) => JSON.parse(l));
const readLines = (file) => lines(readFileSync(path.join(dir, file), 'utf8'));

let full;
test('a video file: one line per decoded frame with its index and time; the landmarks are those of the same frames given as a folder of frames (--video)', { timeout: 180_000 }, () => {
  const r = run(['--out', 'full', clip]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /1 video, tracking, 1 worker thread/);
  full = readLines('full/clip.jsonl');
  assert.equal(full.length, FRAMES);
  assert.deepEqual(full.map((l) => l.frame), [...Array(FRAMES).keys()]);
  for (const l of full) assert.ok(Math.abs(l.pts_ms - (l.frame * 1000) / FPS) < 0.01, `frame ${l.frame} at ${l.pts_ms} ms`);
  assert.deepEqual(Object.keys(full[0]).slice(0, 4), ['video', 'frame', 'pts_ms', 'width']);
  assert.deepEqual([full[0].video, full[0].width, full[0].height, full[0].mode], ['clip.mp4', 640, 480, 'video']);
  assert.ok(full.every((l) => l.num_faces === 1 && l.faces[0].length === 478));
  assert.deepEqual(full.map((l) => l.detector_ran), full.map((_, i) => i === 0), 'the detector on the first frame, then tracking');
  // The face pans: the nose tip (point 1) moves left by about 2 px a frame.
  const dx = full[FRAMES - 1].faces[0][1][0] - full[0].faces[0][1][0];
  assert.ok(dx < -(FRAMES - 1) * 1.5 && dx > -(FRAMES - 1) * 2.5, `nose moved ${dx} px`);

  // The same decoded frames (RGBA PNGs, lossless) through the image path in tracking mode: identical floats.
  mkdirSync(path.join(dir, 'frames'));
  decodeToPngs(clip, path.join(dir, 'frames'));
  const frames = run(['--out', 'frames-out', '--video', 'frames']);
  assert.equal(frames.status, 0, frames.stderr);
  const names = readdirSync(path.join(dir, 'frames-out')).sort();
  assert.equal(names.length, FRAMES);
  names.forEach((name, i) => {
    const record = JSON.parse(readFileSync(path.join(dir, 'frames-out', name), 'utf8'));
    assert.deepEqual(full[i].faces, record.faces, `frame ${i}`);
    assert.equal(full[i].detector_ran, record.detector_ran);
  });
});

test('--every, --start/--end and --fps choose frames by ffmpeg; the index and time stay the file\'s', { timeout: 180_000 }, () => {
  const every = run(['--every', '4', '--start', '0.5', '--end', '1.5', clip]);
  assert.equal(every.status, 0, every.stderr);
  // The first frame at or after 0.5 s is frame 8 (533 ms): 0 counted from --start.
  assert.deepEqual(lines(every.stdout).map((l) => [l.frame, Math.round(l.pts_ms)]), [[0, 533], [4, 800], [8, 1067], [12, 1333]]);
  const fps = run(['--fps', '4', '--end', '0:01', clip]);
  assert.equal(fps.status, 0, fps.stderr);
  // The first frame of each 250 ms slot, before 1 s.
  assert.deepEqual(lines(fps.stdout).map((l) => l.frame), [0, 4, 8, 12]);
  const smooth = run(['--smooth', '--end', '0.5', clip]);
  assert.equal(smooth.status, 0, smooth.stderr);
  const smoothed = lines(smooth.stdout);
  assert.equal(smoothed.length, 8);
  assert.equal(smoothed[0].options.smoothing, true);
  assert.deepEqual(smoothed[0].faces, full[0].faces, 'the first frame is not smoothed');
  assert.notDeepEqual(smoothed[7].faces, full[7].faces, 'later frames are');
  // Rotation metadata (a phone held upright) is applied: the frames come out 480x640, face found.
  ffmpeg(['-i', clip, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path.join(dir, 'rotated.mp4')]);
  const rotated = run(['--end', '0.1', 'rotated.mp4']);
  assert.equal(rotated.status, 0, rotated.stderr);
  assert.deepEqual(lines(rotated.stdout).map((l) => [l.width, l.height, l.num_faces]), [[480, 640, 1], [480, 640, 1]]);
});

test('a folder of videos on two threads: a truncated one, a damaged one and a non-video are named with codes, the others finish, exit 1', { timeout: 180_000 }, () => {
  const videos = path.join(dir, 'videos');
  mkdirSync(videos);
  copyFileSync(clip, path.join(videos, 'a.mp4'));
  makeClip(path.join(videos, 'b.webm'), ['-c:v', 'libvpx', '-b:v', '1M']);
  // Without faststart the index (moov) is at the end: cut, the file has no index.
  const bytes = readFileSync(clip);
  writeFileSync(path.join(videos, 'c-cut.mp4'), bytes.subarray(0, bytes.length >> 1));
  // With the index first, a cut file decodes up to the cut.
  const fast = path.join(dir, 'fast.mp4');
  ffmpeg(['-i', clip, '-c', 'copy', '-movflags', '+faststart', fast]);
  const fastBytes = readFileSync(fast);
  writeFileSync(path.join(videos, 'd-truncated.mp4'), fastBytes.subarray(0, Math.floor(fastBytes.length * 0.6)));
  writeFileSync(path.join(videos, 'e.mov'), 'this is not a video');
  const r = run(['--out', 'many', '--workers', '2', 'videos']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /5 videos, tracking, 2 worker threads/);
  assert.match(r.stderr, /2 videos tracked, .*; 3 failed:\n {2}c-cut\.mp4 \(not-a-video\): .*moov atom not found.*\n {2}d-truncated\.mp4 \(video-damaged\): decoding failed after \d+ frames.*\n {2}e\.mov \(not-a-video\): ffmpeg cannot read it as a video/);
  assert.equal(readLines('many/a.jsonl').length, FRAMES);
  const webm = readLines('many/b.jsonl');
  assert.equal(webm.length, FRAMES);
  assert.ok(webm.every((l) => l.num_faces === 1));
  const truncated = readLines('many/d-truncated.jsonl.partial');
  assert.ok(truncated.length > 0 && truncated.length < FRAMES, `${truncated.length} frames before the cut`);
  assert.deepEqual(truncated.map((l) => l.faces), full.slice(0, truncated.length).map((l) => l.faces), 'the frames before the cut are the whole file\'s');
  assert.equal(existsSync(path.join(dir, 'many/d-truncated.jsonl')), false, 'a failed video is not marked done');
});

test('resume: a finished video is skipped, a stopped one continues after its last complete line', { timeout: 180_000 }, () => {
  mkdirSync(path.join(dir, 'resume'));
  const text = readFileSync(path.join(dir, 'full/clip.jsonl'), 'utf8');
  const kept = text.split('\n').slice(0, 10).join('\n');
  // Ten whole lines and half of the eleventh, as a run killed while writing leaves it.
  writeFileSync(path.join(dir, 'resume/clip.jsonl.partial'), `${kept}\n${text.split('\n')[10].slice(0, 3000)}`);
  const r = run(['--out', 'resume', clip]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /clip\.mp4: 20 frames \(resumed after frame 9\)/);
  assert.equal(existsSync(path.join(dir, 'resume/clip.jsonl.partial')), false);
  const resumed = readFileSync(path.join(dir, 'resume/clip.jsonl'), 'utf8');
  assert.ok(resumed.startsWith(`${kept}\n`), 'the whole lines are kept as they were');
  const records = lines(resumed);
  assert.deepEqual(records.map((l) => [l.frame, l.pts_ms]), full.map((l) => [l.frame, l.pts_ms]));
  // Tracking starts afresh after the stop: the detector runs on the first new frame.
  assert.equal(records[10].detector_ran, true);
  const again = run(['--out', 'resume', clip]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /all 1 video is already done/);

  // A partial output whose last frame is not in the video (another video under the same name): refused, kept.
  mkdirSync(path.join(dir, 'mismatch'));
  const last = { ...full[9], pts_ms: 650 };
  writeFileSync(path.join(dir, 'mismatch/clip.jsonl.partial'), `${JSON.stringify(last)}\n`);
  const mismatch = run(['--out', 'mismatch', clip]);
  assert.equal(mismatch.status, 1, mismatch.stderr);
  assert.match(mismatch.stderr, /clip\.mp4 \(resume-mismatch\): the partial output's last frame \(9, at 650 ms\) is not a frame of this video \(the next frame is at 666\.6+\d* ms\).*Delete the \.partial file/);
  assert.equal(readFileSync(path.join(dir, 'mismatch/clip.jsonl.partial'), 'utf8'), `${JSON.stringify(last)}\n`);
});

/** The pids of processes whose command line mentions `text`. */
function processesWith(text) {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(text) && !l.includes('ps -eo')).map((l) => Number(l.trim().split(' ')[0]));
}

test('a run killed mid-video leaves no ffmpeg behind, and the same command continues it', { timeout: 240_000 }, async () => {
  const long = path.join(dir, 'long.mp4');
  // The clip 5 times over: 150 frames, 10 s.
  ffmpeg(['-stream_loop', '4', '-i', clip, '-c', 'copy', long]);
  const partial = path.join(dir, 'killed/long.jsonl.partial');
  const child = spawn(process.execPath, [cli, 'landmarks', '--out', 'killed', '--workers', '1', long], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lineCount = () => (existsSync(partial) ? readFileSync(partial, 'utf8').split('\n').length - 1 : 0);
  while (lineCount() < 10) await new Promise((r) => setTimeout(r, 100));
  assert.equal(processesWith(long).length >= 1, true, 'ffmpeg decoding it while the run is alive');
  child.kill('SIGKILL');
  await exited;
  // ffmpeg's next write to the pipe fails once no one reads it: it exits by itself.
  for (let i = 0; i < 50 && processesWith(long).length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(long), [], 'no ffmpeg left');
  const before = lineCount();
  assert.ok(before >= 10 && before < 150, `${before} frames before the kill`);
  const r = run(['--out', 'killed', long]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`long\\.mp4: ${150 - before} frames \\(resumed after frame ${before - 1}\\)`));
  const records = readLines('killed/long.jsonl');
  assert.deepEqual(records.map((l) => l.frame), [...Array(150).keys()]);
  assert.ok(records.every((l, i) => Math.abs(l.pts_ms - (i * 1000) / FPS) < 0.01 && l.num_faces === 1));
});

test('no ffmpeg: decoder-missing, naming the fix; argument errors', { timeout: 60_000 }, () => {
  const noPath = run(['--out', 'x', clip], { env: { ...process.env, PATH: path.join(dir, 'empty-path') } });
  assert.equal(noPath.status, 1, noPath.stderr);
  assert.match(noPath.stderr, /ffmpeg on PATH was not found\. Install ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg.*or set FACE_MESH_FFMPEG.*\[decoder-missing\]/);
  const wrong = run(['--out', 'x', clip], { env: { ...process.env, FACE_MESH_FFMPEG: '/bin/false' } });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /FACE_MESH_FFMPEG=\/bin\/false was .*\[decoder-missing\]/);
  assert.equal(existsSync(path.join(dir, 'x')), false);
  copyFileSync(sample('sample2'), path.join(dir, 'photo.jpg'));
  for (const [args, message] of [
    [['--jsonl', 'j.jsonl', clip], /one JSONL file per video: give --out DIR/],
    [['--every', '2', 'photo.jpg'], /apply to video files/],
    [[clip, 'photo.jpg'], /mix 1 video file and 1 image/],
    [['--every', '2', '--fps', '3', clip], /--every N or --fps X, not both/],
    [['--start', '2', '--end', '1', clip], /--end \(1\) must be after --start/],
    [['--start', 'soon', clip], /--start must be seconds/],
    [['--video', clip], /--video is for a folder of frames/],
  ]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.ok(statSync(clip).size > 0);
});

// The Node side of the element's video parity test (packages/element/test/video_parity.test.ts), run
// by web-test-runner's `video-parity` server command: the Node package's test clip
// (packages/node/test/video_clip.mjs), its frames as ffmpeg decodes them for the CLI (raw RGBA, the
// same pixel format and conversion as the CLI's pipe), and the CLI's JSONL for the clip.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Folder (under the served tree) of the clip and its frames; made once per test run. */
const DIR = '.wtr-tmp/video-parity';

/** The clip and its decoded frames under root/DIR, made afresh by the first call of this process. */
let made;

async function makeClipAndFrames(root) {
  const dir = path.join(root, DIR);
  const clip = path.join(dir, 'clip.mp4');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { makeClip } = await import('../packages/node/test/video_clip.mjs');
  makeClip(clip);
  // As the CLI decodes (packages/node/src/video_decode.ts): every frame once, RGBA.
  const raw = spawnSync('ffmpeg', ['-v', 'error', '-i', clip, '-vf', 'format=rgba', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { maxBuffer: 1 << 28 });
  if (raw.error || raw.status !== 0) throw new Error(`ffmpeg could not decode ${clip}: ${raw.error?.message ?? raw.stderr}`);
  writeFileSync(path.join(dir, 'frames.rgba'), raw.stdout);
  return { clip, clipUrl: `/${DIR}/clip.mp4`, framesUrl: `/${DIR}/frames.rgba` };
}

/**
 * `payload`: { smooth: boolean, startMs?: number }. Answers the clip's and frames' URLs and the CLI's
 * records of the clip (from startMs on when given): [{frame, pts_ms, width, height, detector_ran, faces}].
 */
export async function videoParity(root, payload) {
  made ??= makeClipAndFrames(root);
  const { clip, clipUrl, framesUrl } = await made;
  const cli = path.join(root, 'packages/node/dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build:node`);
  const args = [cli, 'landmarks', ...(payload?.smooth ? ['--smooth'] : []), ...(payload?.startMs !== undefined ? ['--start', String(payload.startMs / 1000)] : []), clip];
  // (not spawnSync: the test server goes on answering the page meanwhile)
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 28 }).catch((e) => {
    throw new Error(`face-mesh ${args.slice(1).join(' ')} failed: ${e.stderr || e.message}`);
  });
  const records = stdout
    .trim()
    .split('\n')
    .map((line) => {
      const { frame, pts_ms, width, height, detector_ran, faces } = JSON.parse(line);
      return { frame, pts_ms, width, height, detector_ran, faces };
    });
  return { clipUrl, framesUrl, records };
}

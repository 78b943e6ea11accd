/** `face-mesh landmarks`: the landmarks of every image of files, folders and globs, in parallel. */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { PipelineOptions } from '@face-mesh/worker-runtime';
import { UsageError, fraction, positiveInteger, positiveNumber, timeSeconds } from './cli_args.js';
import { describeError } from './errors.js';
import { findFfmpeg } from './ffmpeg.js';
import { VIDEO_EXTENSIONS, expandInputs, shard, type InputFile } from './inputs.js';
import { shardFromScheduler } from './shard_env.js';
import type { VideoSampling } from './video_decode.js';
import { VideoJsonlFolder, VideoStdout } from './video_outputs.js';
import { runVideos } from './video_run.js';
import { JsonFolder, JsonLines, JsonLinesStdout, type OutputSink } from './outputs.js';
import { FaceMeshPool } from './pool.js';
import { Progress } from './progress.js';
import { landmarksRecord } from './record.js';

export const LANDMARKS_USAGE = `usage: face-mesh landmarks [--out DIR | --jsonl FILE] [options] INPUT...

Runs the face-mesh pipeline (BlazeFace + Attention Mesh on tfjs wasm, in Node worker threads) on
every image of the INPUTs: files, folders (searched recursively for .jpg .jpeg .png .webp .gif
.avif .tif .tiff, and video files) and globs (quote them: 'photos/**/*.jpg').

Video files (${VIDEO_EXTENSIONS.map((e) => `.${e}`).join(' ')}) are decoded with ffmpeg (on PATH, or
$FACE_MESH_FFMPEG) and tracked frame by frame, one video per worker thread: one JSONL line per frame,
{"video", "frame": its index among the decoded frames from the start (or --start), "pts_ms": its
presentation time in the file, ...the record below}, in DIR/<name>.jsonl with --out, else on stdout.
  --every N            every N-th frame only
  --fps X              at most X frames a second (the first frame of each 1/X s)
  --start T, --end T   only frames from T (seconds, or [hh:]mm:ss) and before T
  --smooth             One-Euro smoothing of the landmarks, the frames' own times (the element's default)
A finished video's file is skipped by the next run; a stopped one continues after its last line.
A video that cannot be decoded is named at the end (not-a-video, video-damaged, ...), the others go on.

options:
  --out DIR            one JSON file per image: DIR/<name>.json, <name> being the file name without
                       its extension (for a folder or a glob: the path below it, sub-folders kept)
  --jsonl FILE         instead, one line per image appended to FILE: {"image": <name with its
                       extension>, ...}; shards written on several machines merge with cat
                       Neither: JSONL on stdout (nothing skipped)
  --workers N          worker threads, each with its own pipeline (default: the number of cores, ${os.availableParallelism()} here)
  --max-faces N        most faces per image (default 1, MediaPipe's; e.g. 10 for group photos).
                       As in MediaPipe, the detector's N best boxes go to the mesh model and a box
                       it rejects is not replaced by the next one.
  --video              the images are the frames of one video, in the order given (a folder's in
                       name order): tracking, frame t's crop from frame t-1's landmarks. One thread.
  --smooth             with --video or video files: One-Euro smoothing of the landmarks (the element's default)
  --min-detection-confidence X   detector score to acquire a face, 0..1 (default 0.5)
  --min-tracking-confidence X    face-presence score under which a face is dropped, 0..1 (default 0.5)
  --shard K/N          only the K-th of every N images or videos (K = 1..N), to split a folder across machines
  --shard auto         K/N from the scheduler: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with
                       --shards N = the Job's completions) or a Slurm job array (SLURM_ARRAY_TASK_*)
  --shards N           with --shard auto: the number of shards
  --models DIR         folder with the .tflite files (default: the repository's models/dist)
  -h, --help           this text

Images already in the output (a JSON file, or a JSONL line, for their name) are skipped, so a run
that was stopped can be started again. A file that cannot be read or decoded is reported at the
end and the others are processed.

Each record: {"image", "width", "height", "num_faces",
  "faces": [[[x, y, z] x 478], ...]  x, y in image pixels, z = MediaPipe's normalized z * width,
  "scores", "regions", "rois", "detections", "detector_ran", "timings_ms", "mode", "options"}

Exit status: 0 when every image was processed, 1 when one could not be, 2 for bad arguments.`;

interface LandmarksArgs {
  sink: OutputSink;
  folder?: JsonFolder;
  out?: string;
  jsonl?: string;
  inputs: string[];
  workers: number;
  video: boolean;
  shard?: [number, number];
  models?: string;
  pipeline: Partial<PipelineOptions>;
  sampling: VideoSampling;
  /** Whether --smooth was given (images: refused unless --video). */
  smooth: boolean;
}

function parse(argv: string[]): LandmarksArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      jsonl: { type: 'string' },
      workers: { type: 'string' },
      'max-faces': { type: 'string' },
      video: { type: 'boolean' },
      smooth: { type: 'boolean' },
      'min-detection-confidence': { type: 'string' },
      'min-tracking-confidence': { type: 'string' },
      shard: { type: 'string' },
      shards: { type: 'string' },
      every: { type: 'string' },
      fps: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      models: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.out && values.jsonl) throw new UsageError('give --out DIR or --jsonl FILE, not both');
  if (positionals.length === 0) throw new UsageError('no INPUT given');
  let shardSpec: [number, number] | undefined;
  const shards = positiveInteger('--shards', values.shards);
  if (shards !== undefined && values.shard !== 'auto') throw new UsageError('--shards N goes with --shard auto (with --shard K/N the N is given)');
  if (values.shard === 'auto') {
    if (values.video) throw new UsageError('--shard cannot split a --video sequence');
    const found = shardFromScheduler(process.env, shards);
    console.error(`face-mesh landmarks: shard ${found.index}/${found.count} (${found.source})`);
    shardSpec = [found.index, found.count];
  } else if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || !(Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]))) throw new UsageError(`--shard must be K/N with 1 <= K <= N, got "${values.shard}"`);
    if (values.video) throw new UsageError('--shard cannot split a --video sequence');
    shardSpec = [Number(m[1]), Number(m[2])];
  }
  const sampling: VideoSampling = {
    every: positiveInteger('--every', values.every),
    fps: positiveNumber('--fps', values.fps),
    start: timeSeconds('--start', values.start),
    end: timeSeconds('--end', values.end),
  };
  if (sampling.every !== undefined && sampling.fps !== undefined) throw new UsageError('give --every N or --fps X, not both');
  if (sampling.start !== undefined && sampling.end !== undefined && sampling.end <= sampling.start) throw new UsageError(`--end (${values.end}) must be after --start (${values.start})`);
  const pipeline: Partial<PipelineOptions> = {
    // Image files are still images unless --video; video files set this to false in landmarksCommand.
    staticImageMode: !values.video,
    // The raw pipeline output, as Google's solution gives it, unless --smooth.
    smoothing: values.smooth === true,
  };
  const maxFaces = positiveInteger('--max-faces', values['max-faces']);
  if (maxFaces !== undefined) pipeline.maxFaces = maxFaces;
  const minDetection = fraction('--min-detection-confidence', values['min-detection-confidence']);
  if (minDetection !== undefined) pipeline.minDetectionConfidence = minDetection;
  const minTracking = fraction('--min-tracking-confidence', values['min-tracking-confidence']);
  if (minTracking !== undefined) pipeline.minTrackingConfidence = minTracking;
  const folder = values.out ? new JsonFolder(values.out) : undefined;
  return {
    sink: folder ?? (values.jsonl ? new JsonLines(values.jsonl) : new JsonLinesStdout()),
    folder,
    out: values.out,
    jsonl: values.jsonl,
    inputs: positionals,
    workers: values.video ? 1 : positiveInteger('--workers', values.workers) ?? os.availableParallelism(),
    video: values.video === true,
    shard: shardSpec,
    models: values.models,
    pipeline,
    sampling,
    smooth: values.smooth === true,
  };
}

const usesSampling = (s: VideoSampling) => Object.values(s).some((v) => v !== undefined);

/** The checks that need to know whether the inputs are video files. */
function checkKinds(args: LandmarksArgs, files: InputFile[]): void {
  const videos = files.filter((f) => f.kind === 'video').length;
  if (videos > 0 && videos < files.length) {
    throw new UsageError(`the inputs mix ${videos} video file${videos === 1 ? '' : 's'} and ${files.length - videos} image${files.length - videos === 1 ? '' : 's'}: give them in separate runs`);
  }
  if (videos === 0) {
    if (usesSampling(args.sampling)) throw new UsageError('--every, --fps, --start and --end apply to video files');
    if (args.smooth && !args.video) throw new UsageError('--smooth applies to --video or video files only (still images are never smoothed)');
    return;
  }
  if (args.video) throw new UsageError('--video is for a folder of frames; video files are tracked without it');
  if (args.jsonl) throw new UsageError('video files are written one JSONL file per video: give --out DIR (or neither, for stdout)');
}

/** Two keys whose JSON files would be the same (a.jpg and a.png). */
function outputCollisions(images: InputFile[], folder: JsonFolder, videoFolder: VideoJsonlFolder): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { key, kind } of images) {
    const file = kind === 'video' ? videoFolder.fileOf(key) : folder.fileOf(key);
    const other = seen.get(file);
    if (other) problems.push(`${other} and ${key} would both write ${file}`);
    else seen.set(file, key);
  }
  return problems;
}

export async function landmarksCommand(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    console.log(LANDMARKS_USAGE);
    return 0;
  }
  const { images: all, problems } = await expandInputs(args.inputs);
  checkKinds(args, all);
  if (args.folder && args.out) problems.push(...outputCollisions(all, args.folder, new VideoJsonlFolder(args.out)));
  if (problems.length) {
    for (const p of problems) console.error(`face-mesh landmarks: ${p}`);
    return 1;
  }
  const mine = args.shard ? shard(all, ...args.shard) : all;
  if (mine.length > 0 && mine[0].kind === 'video') {
    return runVideos(mine, {
      sink: args.out ? new VideoJsonlFolder(args.out) : new VideoStdout(),
      ffmpeg: findFfmpeg(),
      sampling: args.sampling,
      workers: args.workers,
      faceMesh: { models: args.models, ...args.pipeline, staticImageMode: false },
    });
  }
  const todo = mine.filter((image) => !args.sink.isDone(image.key));
  const skipped = mine.length - todo.length;
  if (mine.length === 0) {
    console.error(`face-mesh landmarks: nothing falls in shard ${args.shard?.join('/')} (${all.length} in all)`);
    return 0;
  }
  if (todo.length === 0) {
    console.error(`face-mesh landmarks: all ${mine.length} images are already done (${args.sink.describe(mine[0]?.key ?? '')})`);
    return 0;
  }

  const pool = await FaceMeshPool.create({ workers: Math.min(args.workers, todo.length), models: args.models, ...args.pipeline });
  const options = pool.pipelineOptions;
  const mode = args.video ? 'video' : 'static';
  console.error(`face-mesh landmarks: ${todo.length} image${todo.length === 1 ? '' : 's'}${skipped ? ` (${skipped} already done, skipped)` : ''}, ${args.video ? 'video (tracking), one thread' : `static, ${pool.size} worker thread${pool.size === 1 ? '' : 's'}`}, maxFaces ${options.maxFaces}, tfjs wasm ${pool.mode.binary}`);
  const progress = new Progress(todo.length);
  const failures: string[] = [];
  let faces = 0;
  const started = performance.now();
  try {
    const one = async (image: InputFile) => {
      try {
        const [result] = await pool.run(image.file, [{ kind: args.video ? 'next' : 'still' }]);
        faces += result.faces.length;
        args.sink.write(image.key, { image: image.key, ...landmarksRecord(result), mode, options });
        progress.step(`${image.key}: ${result.width}x${result.height}, ${result.faces.length} face${result.faces.length === 1 ? '' : 's'} -> ${args.sink.describe(image.key)}`);
      } catch (e) {
        const { code, message } = describeError(e);
        failures.push(`${image.key} (${code}): ${message.replace(`${image.file}: `, '')}`);
        progress.step(`${image.key}: FAILED (${code}) ${message}`);
      }
    };
    // Video frames go one by one, in order; still images are all queued (the pool runs them in parallel).
    if (args.video) for (const image of todo) await one(image);
    else await Promise.all(todo.map(one));
  } finally {
    progress.end();
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const ok = todo.length - failures.length;
  console.error(`face-mesh landmarks: ${ok} image${ok === 1 ? '' : 's'} processed (${faces} face${faces === 1 ? '' : 's'}) in ${seconds.toFixed(1)} s, ${(ok / seconds).toFixed(2)} images/s${skipped ? `; ${skipped} skipped (already done)` : ''}${failures.length ? `; ${failures.length} failed:` : ''}`);
  for (const f of failures) console.error(`  ${f}`);
  return failures.length ? 1 : 0;
}


/** `face-mesh landmarks`: the landmarks of every image of files, folders and globs, in parallel. */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { PipelineOptions } from '@face-mesh/worker-runtime';
import { UsageError, fraction, positiveInteger } from './cli_args.js';
import { describeError } from './errors.js';
import { expandInputs, shard, type InputImage } from './inputs.js';
import { JsonFolder, JsonLines, JsonLinesStdout, type OutputSink } from './outputs.js';
import { FaceMeshPool } from './pool.js';
import { Progress } from './progress.js';
import { landmarksRecord } from './record.js';

export const LANDMARKS_USAGE = `usage: face-mesh landmarks [--out DIR | --jsonl FILE] [options] INPUT...

Runs the face-mesh pipeline (BlazeFace + Attention Mesh on tfjs wasm, in Node worker threads) on
every image of the INPUTs: files, folders (searched recursively for .jpg .jpeg .png .webp .gif
.avif .tif .tiff) and globs (quote them: 'photos/**/*.jpg').

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
  --smooth             with --video: One-Euro smoothing of the landmarks (the element's default)
  --min-detection-confidence X   detector score to acquire a face, 0..1 (default 0.5)
  --min-tracking-confidence X    face-presence score under which a face is dropped, 0..1 (default 0.5)
  --shard K/N          only the K-th of every N images (K = 1..N), to split a folder across machines
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
  inputs: string[];
  workers: number;
  video: boolean;
  shard?: [number, number];
  models?: string;
  pipeline: Partial<PipelineOptions>;
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
      models: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.out && values.jsonl) throw new UsageError('give --out DIR or --jsonl FILE, not both');
  if (positionals.length === 0) throw new UsageError('no INPUT given');
  if (values.smooth && !values.video) throw new UsageError('--smooth applies to --video only (still images are never smoothed)');
  let shardSpec: [number, number] | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || !(Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]))) throw new UsageError(`--shard must be K/N with 1 <= K <= N, got "${values.shard}"`);
    if (values.video) throw new UsageError('--shard cannot split a --video sequence');
    shardSpec = [Number(m[1]), Number(m[2])];
  }
  const pipeline: Partial<PipelineOptions> = {
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
    inputs: positionals,
    workers: values.video ? 1 : positiveInteger('--workers', values.workers) ?? os.availableParallelism(),
    video: values.video === true,
    shard: shardSpec,
    models: values.models,
    pipeline,
  };
}

/** Two keys whose JSON files would be the same (a.jpg and a.png). */
function outputCollisions(images: InputImage[], folder: JsonFolder): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { key } of images) {
    const file = folder.fileOf(key);
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
  if (args.folder) problems.push(...outputCollisions(all, args.folder));
  if (problems.length) {
    for (const p of problems) console.error(`face-mesh landmarks: ${p}`);
    return 1;
  }
  const mine = args.shard ? shard(all, ...args.shard) : all;
  const todo = mine.filter((image) => !args.sink.isDone(image.key));
  const skipped = mine.length - todo.length;
  if (mine.length === 0) {
    console.error(`face-mesh landmarks: no image falls in shard ${args.shard?.join('/')} (${all.length} in all)`);
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
    const one = async (image: InputImage) => {
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


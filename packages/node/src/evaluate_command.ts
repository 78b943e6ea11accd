/** `face-mesh evaluate DATASET.json`: the model card's evaluation on annotated photos. */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { UsageError, nonNegative, positiveInteger } from './cli_args.js';
import { loadDataset, type DatasetEntry } from './dataset.js';
import { describeError } from './errors.js';
import { bestFaceError, evaluationReport, formatReport, type EvaluationReport, type Mode } from './evaluate.js';
import { FaceMeshPool, type PoolOptions } from './pool.js';
import { Progress } from './progress.js';

export const EVALUATE_USAGE = `usage: face-mesh evaluate DATASET.json [options]

Measures the pipeline against annotated photos the way the model card does, per group, in two modes:
  reacquisition  the image as a still image: the detector finds the face, the mesh model runs on its crop
  tracking       the image fed --frames times as a video: from the second frame on, the crop comes
                 from the previous frame's landmarks; measured on the last frame
Metric: IOD MAE, the mean 2-D distance over the 468 mesh points in percent of the ground truth's
inter-ocular distance (3-D distance between the eye centres, midpoints of corners 33/133 and
362/263; 2-D when the annotations have no z). Each annotated face is matched to the predicted face
with the smallest error; when the pipeline finds no face it counts as missed, outside the mean.

DATASET.json: {"images": [{"file": "a.jpg", "group": "name", "landmarks": [[x, y, z?], ... 468 or 478]}]}
  paths relative to the JSON file, pixels, one annotated face per entry (an image with two
  annotated faces appears twice).

options:
  --frames N          tracking frames per image (default 5)
  --threshold X       fairness threshold in % IOD (default 2.56, the human annotators' discrepancy): a
                      group is flagged when its mean exceeds the best group's by more than X
  --max-faces N       most faces per image (default: the most annotated faces any one image has)
  --workers N         worker threads (default: the number of cores, ${os.availableParallelism()} here)
  --json              print the report as JSON instead of the table
  --models DIR        folder with the .tflite files (default: the repository's models/dist)
  -h, --help          this text

Exit status: 0 with a report, 1 for a bad dataset (the message names the entry) or an image that
cannot be decoded, 2 for bad arguments.`;

export interface EvaluateOptions extends Omit<PoolOptions, 'staticImageMode' | 'smoothing'> {
  /** Tracking frames per image (default 5). */
  frames?: number;
  /** Fairness threshold in % IOD (default 2.56). */
  threshold?: number;
  /** Called once per image done. */
  onImage?: (file: string) => void;
}

/** Runs the evaluation of a loaded dataset (programmatic API of `face-mesh evaluate`). */
export async function evaluateDataset(entries: readonly DatasetEntry[], options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const { frames = 5, threshold = 2.56, onImage, ...poolOptions } = options;
  const files = [...new Set(entries.map((e) => e.file))];
  const facesPerImage = Math.max(...files.map((f) => entries.filter((e) => e.file === f).length));
  // Raw landmarks (no smoothing), as the model card measures the model; still images on demand.
  const pool = await FaceMeshPool.create({ maxFaces: facesPerImage, ...poolOptions, workers: Math.min(poolOptions.workers ?? os.availableParallelism(), files.length), staticImageMode: false, smoothing: false });
  const predicted = new Map<string, Record<Mode, Float32Array[]>>();
  try {
    await Promise.all(files.map(async (file) => {
      let results;
      try {
        results = await pool.run(file, [{ kind: 'still' }, { kind: 'track', frames }]);
      } catch (e) {
        const entry = entries.find((x) => x.file === file)!;
        const { code, message } = describeError(e);
        throw Object.assign(new Error(`images[${entry.index}] (${entry.name}): ${message} [${code}]`), { code });
      }
      const [still, tracked] = results;
      predicted.set(file, { reacquisition: still.faces.map((f) => f.landmarks), tracking: tracked.faces.map((f) => f.landmarks) });
      onImage?.(file);
    }));
  } finally {
    await pool.close();
  }
  const errors = (mode: Mode) => entries.map((e) => bestFaceError(e.landmarks, predicted.get(e.file)![mode]));
  return evaluationReport(entries, { tracking: errors('tracking'), reacquisition: errors('reacquisition') }, frames, threshold);
}

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      frames: { type: 'string' },
      threshold: { type: 'string' },
      'max-faces': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      models: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(EVALUATE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one DATASET.json, got ${positionals.length} arguments` : 'no DATASET.json given');
  const options: EvaluateOptions = {
    frames: positiveInteger('--frames', values.frames),
    threshold: nonNegative('--threshold', values.threshold),
    maxFaces: positiveInteger('--max-faces', values['max-faces']),
    workers: positiveInteger('--workers', values.workers),
    models: values.models,
  };
  for (const k of Object.keys(options) as (keyof EvaluateOptions)[]) if (options[k] === undefined) delete options[k];
  let report: EvaluationReport;
  const entries = loadDataset(positionals[0]);
  const images = new Set(entries.map((e) => e.file)).size;
  console.error(`face-mesh evaluate: ${entries.length} annotated face${entries.length === 1 ? '' : 's'} in ${images} image${images === 1 ? '' : 's'}`);
  const progress = new Progress(images);
  try {
    report = await evaluateDataset(entries, { ...options, onImage: (file) => progress.step(file) });
  } finally {
    progress.end();
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

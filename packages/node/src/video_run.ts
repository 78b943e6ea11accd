/**
 * `face-mesh landmarks` on video files: each video decoded by ffmpeg and tracked on one worker
 * thread (several videos on several threads), one JSONL line per frame. A video that fails is
 * named at the end with its code and the others go on; finished videos are skipped and a stopped
 * one continues after its last complete line.
 */
import type { PipelineOptions } from '@face-mesh/worker-runtime';
import { describeError } from './errors.js';
import type { FaceMeshOptions } from './face_mesh.js';
import type { InputFile } from './inputs.js';
import { FaceMeshPool } from './pool.js';
import { Progress } from './progress.js';
import { landmarksRecord } from './record.js';
import type { VideoSampling } from './video_decode.js';
import type { VideoOutput, VideoSink } from './video_outputs.js';

const STATUS_INTERVAL_MS = 60_000;

export interface VideoRunOptions {
  sink: VideoSink;
  ffmpeg: string;
  sampling: VideoSampling;
  workers: number;
  faceMesh: FaceMeshOptions;
}

/** Runs the videos; the exit status: 0 when every one was tracked to its end, else 1. */
export async function runVideos(videos: InputFile[], run: VideoRunOptions): Promise<number> {
  const todo = videos.filter((v) => !run.sink.isDone(v.key));
  const skipped = videos.length - todo.length;
  if (todo.length === 0) {
    console.error(`face-mesh landmarks: all ${videos.length} video${videos.length === 1 ? ' is' : 's are'} already done (${run.sink.describe(videos[0].key)})`);
    return 0;
  }
  const pool = await FaceMeshPool.create({ ...run.faceMesh, workers: Math.min(run.workers, todo.length) });
  const options: PipelineOptions = pool.pipelineOptions;
  console.error(`face-mesh landmarks: ${todo.length} video${todo.length === 1 ? '' : 's'}${skipped ? ` (${skipped} already done, skipped)` : ''}, tracking${options.smoothing ? ', smoothed' : ''}, ${pool.size} worker thread${pool.size === 1 ? '' : 's'} (one video each), maxFaces ${options.maxFaces}, tfjs wasm ${pool.mode.binary}, decoded by ${run.ffmpeg}`);
  const progress = new Progress(todo.length);
  const failures: string[] = [];
  let frames = 0;
  const started = performance.now();
  // A long video gives no other sign of life for hours: say how far each running one is, now and then.
  const running = new Map<string, { count: number; ptsMs: number }>();
  const status = setInterval(() => {
    for (const [key, { count, ptsMs }] of running) console.error(`${key}: ${count} frames so far, at ${(ptsMs / 1000).toFixed(1)} s`);
  }, STATUS_INTERVAL_MS);
  const one = async (video: InputFile) => {
    let output: VideoOutput | undefined;
    let count = 0;
    try {
      output = run.sink.open(video.key);
      const out = output;
      const resumed = output.resume ? ` (resumed after frame ${output.resume.index})` : '';
      await pool.video(video.file, { ffmpeg: run.ffmpeg, sampling: run.sampling, resume: output.resume }, ({ index, ptsMs, result }) => {
        out.write({ video: video.key, frame: index, pts_ms: ptsMs, ...landmarksRecord(result), mode: 'video', options });
        count++;
        running.set(video.key, { count, ptsMs });
      });
      output.finish();
      progress.step(`${video.key}: ${count} frame${count === 1 ? '' : 's'}${resumed} -> ${run.sink.describe(video.key)}`);
    } catch (e) {
      output?.close();
      const { code, message } = describeError(e);
      failures.push(`${video.key} (${code}): ${message.replace(`${video.file}: `, '')}`);
      progress.step(`${video.key}: FAILED (${code}) after ${count} frame${count === 1 ? '' : 's'}: ${message}`);
    } finally {
      running.delete(video.key);
      frames += count;
    }
  };
  try {
    await Promise.all(todo.map(one));
  } finally {
    clearInterval(status);
    progress.end();
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const ok = todo.length - failures.length;
  console.error(`face-mesh landmarks: ${ok} video${ok === 1 ? '' : 's'} tracked, ${frames} frames in ${seconds.toFixed(1)} s, ${(frames / seconds).toFixed(2)} frames/s${skipped ? `; ${skipped} skipped (already done)` : ''}${failures.length ? `; ${failures.length} failed:` : ''}`);
  for (const f of failures.sort()) console.error(`  ${f}`);
  return failures.length ? 1 : 0;
}

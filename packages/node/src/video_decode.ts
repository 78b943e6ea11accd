/**
 * Video files to RGBA frames, streamed: an ffmpeg child process decodes the first video stream to
 * raw RGBA on its stdout, one frame at a time (the pipe's back-pressure holds ffmpeg while a frame is
 * processed, so memory stays bounded whatever the video's length). ffmpeg's `showinfo` filter logs
 * each frame's number, presentation time and size on stderr: that is how each frame's bytes are
 * counted off the pipe and given their index and time. Sampling (--every, --fps) and the time range
 * (--start, --end) are ffmpeg's own filters and seeking, so frames that are not wanted never reach us.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { RawFrame } from '@face-mesh/worker-runtime';
import { FaceMeshNodeError } from './errors.js';

export interface VideoSampling {
  /** Seconds: the first frame at or after this time. */
  start?: number;
  /** Seconds: only frames before this time. */
  end?: number;
  /** Every N-th decoded frame (from the first one, or from --start). */
  every?: number;
  /** At most N frames a second: the first frame of each 1/N s slot of the video's time. */
  fps?: number;
}

/** The last frame already written: decoding starts there again and goes on after it. */
export interface ResumePoint {
  index: number;
  ptsMs: number;
}

export interface DecodedFrame {
  /** 0-based number of the frame among the decoded ones, counted from the start (or --start). */
  index: number;
  /** Presentation time in the file, ms. */
  ptsMs: number;
  frame: RawFrame;
}

/** The -vf filter graph: frame numbers before sampling, sampling, RGBA, the sampled frames' numbers and sizes. */
export function filterGraph(sampling: VideoSampling): string {
  const filters = ['showinfo@src=checksum=0'];
  if (sampling.every !== undefined && sampling.every > 1) filters.push(`select='not(mod(n\\,${sampling.every}))'`);
  if (sampling.fps !== undefined) {
    // The slot of a frame is floor(t * fps); the 1e-6 keeps a frame exactly on a slot boundary in that slot.
    const slot = (t: string) => `floor(${t}*${sampling.fps}+1e-6)`;
    filters.push(`select='isnan(prev_selected_t)+gt(${slot('t')}\\,${slot('prev_selected_t')})'`);
  }
  filters.push('format=rgba', 'showinfo@out=checksum=0');
  return filters.join(',');
}

export function ffmpegArgs(file: string, sampling: VideoSampling, resume?: ResumePoint): string[] {
  // Resuming seeks to just before the last written frame: it is the first frame decoded (and skipped),
  // and every sampling filter then continues as it would have without the stop.
  const seek = resume ? Math.max(0, (resume.ptsMs - 0.5) / 1000) : sampling.start;
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...(seek ? ['-ss', seek.toFixed(6)] : []),
    ...(sampling.end !== undefined ? ['-to', sampling.end.toFixed(6)] : []),
    // Timestamps as in the file, also after a seek (so pts_ms and --end are the file's times).
    '-copyts',
    '-i', file,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filterGraph(sampling),
    // Every decoded frame once, none duplicated or dropped to make a constant frame rate.
    '-vsync', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1',
  ];
}

interface FrameHeader {
  index: number;
  ptsMs: number;
  width: number;
  height: number;
}

const CONFIG_LINE = /^\[showinfo@out @ [^\]]+\] \[info\] config in time_base: (\d+)\/(\d+)/;
const SOURCE_FRAME = /^\[showinfo@src @ [^\]]+\] \[info\] n:\s*(\d+) /;
const OUTPUT_FRAME = /^\[showinfo@out @ [^\]]+\] \[info\] n:\s*\d+ pts:\s*(\S+) .* s:(\d+)x(\d+) /;
const ERROR_LINE = /\[(error|fatal)\] (.*)$/;
const INPUT_OPENED = /\[info\] Input #0,/;

/** Reads exactly n bytes at a time from a paused stream; null at its end. */
class ExactReader {
  private ended = false;
  private failure?: Error;
  private wake?: () => void;

  constructor(private readonly stream: Readable) {
    const signal = () => this.wake?.();
    stream.on('readable', signal);
    stream.on('end', () => {
      this.ended = true;
      signal();
    });
    stream.on('error', (e) => {
      this.failure = e;
      signal();
    });
  }

  async read(n: number): Promise<Buffer | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      const chunk = this.stream.read(n) as Buffer | null;
      if (chunk) return chunk;
      if (this.ended || this.stream.readableEnded) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** Lines of ffmpeg's stderr turned into frame headers, waited for one by one. */
class FfmpegLog {
  readonly headers: FrameHeader[] = [];
  readonly errors: string[] = [];
  inputOpened = false;
  private timeBase: [number, number] | null = null;
  private sourceFrame = 0;
  private closed = false;
  private wake?: () => void;

  constructor(stderr: Readable, private readonly indexBase: number) {
    const lines = createInterface({ input: stderr, crlfDelay: Infinity });
    lines.on('line', (line) => this.line(line));
    lines.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  private line(line: string): void {
    let m: RegExpExecArray | null;
    if ((m = SOURCE_FRAME.exec(line))) {
      this.sourceFrame = Number(m[1]);
    } else if ((m = OUTPUT_FRAME.exec(line))) {
      const pts = Number(m[1]);
      const [num, den] = this.timeBase ?? [NaN, 1];
      this.headers.push({ index: this.indexBase + this.sourceFrame, ptsMs: Number.isFinite(pts) ? (pts * num * 1000) / den : NaN, width: Number(m[2]), height: Number(m[3]) });
      this.wake?.();
    } else if ((m = CONFIG_LINE.exec(line))) {
      this.timeBase = [Number(m[1]), Number(m[2])];
    } else if ((m = ERROR_LINE.exec(line))) {
      if (this.errors.length < 4 && !this.errors.includes(m[2])) this.errors.push(m[2]);
    } else if (INPUT_OPENED.test(line)) {
      this.inputOpened = true;
    }
  }

  async next(): Promise<FrameHeader | null> {
    for (;;) {
      const header = this.headers.shift();
      if (header) return header;
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

function decodeFailure(file: string, log: FfmpegLog, exitCode: number | null, frames: number): FaceMeshNodeError {
  const said = log.errors.length ? log.errors.join('; ') : `ffmpeg exited with status ${exitCode}`;
  if (!log.inputOpened || log.errors.some((e) => /matches no streams/.test(e))) {
    return new FaceMeshNodeError('not-a-video', `${file}: ffmpeg cannot read it as a video: not a video file, or one cut before its index was written (${said}).`);
  }
  const kept = frames ? ` The ${frames} frame${frames === 1 ? '' : 's'} before were written.` : '';
  return new FaceMeshNodeError('video-damaged', `${file}: decoding failed after ${frames} frame${frames === 1 ? '' : 's'}: the file is truncated or corrupt (${said}).${kept}`);
}

function resumeMismatch(file: string, resume: ResumePoint, found: number | undefined): FaceMeshNodeError {
  const instead = found === undefined ? 'the video ends before it' : `the next frame is at ${found} ms`;
  return new FaceMeshNodeError('resume-mismatch', `${file}: the partial output's last frame (${resume.index}, at ${resume.ptsMs} ms) is not a frame of this video (${instead}); was the video replaced? Delete the .partial file to start it over.`);
}

/**
 * The frames of `file` in order, decoded by `ffmpeg` as they are asked for. Throws `not-a-video` or
 * `video-damaged` (after yielding the frames that did decode). Stopping early kills ffmpeg.
 */
export async function* decodeVideo(ffmpeg: string, file: string, sampling: VideoSampling = {}, resume?: ResumePoint): AsyncGenerator<DecodedFrame> {
  const child = spawn(ffmpeg, ffmpegArgs(file, sampling, resume), { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const log = new FfmpegLog(child.stderr, resume?.index ?? 0);
  const pixels = new ExactReader(child.stdout);
  let yielded = 0;
  let cutShort = false;
  let skipResumeFrame = resume !== undefined;
  try {
    for (;;) {
      const header = await log.next();
      if (!header) break;
      const bytes = await pixels.read(header.width * header.height * 4);
      if (!bytes || bytes.length < header.width * header.height * 4) {
        cutShort = true;
        break;
      }
      if (skipResumeFrame) {
        skipResumeFrame = false;
        if (!(Math.abs(header.ptsMs - resume!.ptsMs) < 0.5)) throw resumeMismatch(file, resume!, header.ptsMs);
        continue;
      }
      if (sampling.end !== undefined && header.ptsMs >= sampling.end * 1000) continue;
      yielded++;
      yield { index: header.index, ptsMs: header.ptsMs, frame: { data: new Uint8Array(bytes.buffer, bytes.byteOffset, header.width * header.height * 4), width: header.width, height: header.height } };
    }
    const code = await exited;
    if (skipResumeFrame && code === 0 && !log.errors.length) throw resumeMismatch(file, resume!, undefined);
    if (spawnError) throw new FaceMeshNodeError('decoder-missing', `${file}: could not start ${ffmpeg} (${spawnError.message}).`);
    if (code !== 0 || log.errors.length || cutShort) throw decodeFailure(file, log, code, yielded);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
    child.stderr.destroy();
    await exited;
  }
}

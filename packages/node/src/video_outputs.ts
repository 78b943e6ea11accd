/**
 * Where the frames of video files go: one JSONL file per video, DIR/<name>.jsonl (`--out DIR`), or
 * stdout. A video's file is written as <name>.jsonl.partial and renamed when its last frame is in,
 * so a finished video is skipped by the next run and a stopped one continues after its last
 * complete line.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, fstatSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ResumePoint } from './video_decode.js';

export interface VideoOutput {
  /** The last frame already written by a stopped run, if any. */
  readonly resume?: ResumePoint;
  write(record: object): void;
  /** The video's last frame is in. */
  finish(): void;
  /** Stop writing (the video failed, or the run is stopping); what was written stays. */
  close(): void;
}

export interface VideoSink {
  describe(key: string): string;
  isDone(key: string): boolean;
  open(key: string): VideoOutput;
}

/** The end offset of the last line ending in '\n' and that line's text, reading back from the end. */
function lastCompleteLine(fd: number): { end: number; line: string | null } {
  const size = fstatSync(fd).size;
  const block = 1 << 18;
  let end = -1;
  let pos = size;
  const chunks: Buffer[] = [];
  while (pos > 0) {
    const start = Math.max(0, pos - block);
    const buf = Buffer.alloc(pos - start);
    readSync(fd, buf, 0, buf.length, start);
    chunks.unshift(buf);
    const text = Buffer.concat(chunks);
    const last = end < 0 ? text.lastIndexOf(10) : -1;
    if (end < 0 && last >= 0) end = start + last + 1;
    if (end >= 0) {
      const before = text.lastIndexOf(10, end - start - 2);
      if (before >= 0 || start === 0) return { end, line: text.subarray(before + 1, end - start - 1).toString('utf8') };
    }
    pos = start;
  }
  return { end: 0, line: null };
}

function resumePoint(line: string): ResumePoint | undefined {
  try {
    const record = JSON.parse(line) as { frame?: unknown; pts_ms?: unknown };
    if (typeof record.frame === 'number' && typeof record.pts_ms === 'number') return { index: record.frame, ptsMs: record.pts_ms };
  } catch {
    // not one of our lines
  }
  return undefined;
}

class VideoFile implements VideoOutput {
  readonly resume?: ResumePoint;
  private fd: number | null;

  constructor(private readonly partial: string, private readonly final: string) {
    mkdirSync(path.dirname(partial), { recursive: true });
    this.fd = openSync(partial, existsSync(partial) ? 'r+' : 'w+');
    // A line cut short by a stopped run is dropped; the frame is done again.
    const { end, line } = lastCompleteLine(this.fd);
    const resume = line ? resumePoint(line) : undefined;
    // Without a frame and time to continue from, the video starts over (never twice the same frames).
    ftruncateSync(this.fd, resume ? end : 0);
    this.resume = resume;
    closeSync(this.fd);
    this.fd = openSync(partial, 'a');
  }

  write(record: object): void {
    if (this.fd === null) throw new Error(`${this.partial} is closed`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  finish(): void {
    this.close();
    renameSync(this.partial, this.final);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** DIR/<key without its extension>.jsonl per video. */
export class VideoJsonlFolder implements VideoSink {
  constructor(private readonly dir: string) {}

  fileOf(key: string): string {
    const ext = path.posix.extname(key);
    return path.join(this.dir, ...`${key.slice(0, key.length - ext.length)}.jsonl`.split('/'));
  }

  describe(key: string): string {
    return this.fileOf(key);
  }

  isDone(key: string): boolean {
    return existsSync(this.fileOf(key));
  }

  open(key: string): VideoOutput {
    const file = this.fileOf(key);
    return new VideoFile(`${file}.partial`, file);
  }
}

/** Every video's frames on stdout, each line naming its video; nothing is resumed. */
export class VideoStdout implements VideoSink {
  describe(): string {
    return 'stdout';
  }

  isDone(): boolean {
    return false;
  }

  open(): VideoOutput {
    return { write: (record) => process.stdout.write(`${JSON.stringify(record)}\n`), finish: () => {}, close: () => {} };
  }
}

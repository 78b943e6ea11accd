/**
 * Where `face-mesh landmarks` writes: one JSON file per image in a folder, or one JSONL line per
 * image in a file. Both know which images are already done, so a run that was stopped resumes
 * where it was, and JSONL files written by separate runs (shards) merge by concatenation.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface OutputSink {
  /** Where the image's record goes, for messages. */
  describe(key: string): string;
  isDone(key: string): boolean;
  write(key: string, record: object): void;
}

/** DIR/<key without its extension>.json, folders below DIR mirroring the key's. */
export class JsonFolder implements OutputSink {
  constructor(private readonly dir: string) {}

  /** The output path of a key; distinct keys can collide (a.jpg, a.png), which the caller checks. */
  fileOf(key: string): string {
    const ext = path.posix.extname(key);
    return path.join(this.dir, ...`${key.slice(0, key.length - ext.length)}.json`.split('/'));
  }

  describe(key: string): string {
    return this.fileOf(key);
  }

  isDone(key: string): boolean {
    return existsSync(this.fileOf(key));
  }

  write(key: string, record: object): void {
    const file = this.fileOf(key);
    mkdirSync(path.dirname(file), { recursive: true });
    // Written whole, then renamed: a stopped run never leaves a half file that would count as done.
    writeFileSync(`${file}.partial`, JSON.stringify(record));
    renameSync(`${file}.partial`, file);
  }
}

/** One line per image, `{"image": key, ...}`, appended as each image finishes. */
export class JsonLines implements OutputSink {
  private readonly done = new Set<string>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      return;
    }
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      // A line cut short by a stopped run does not count; the image is done again.
      try {
        const image = (JSON.parse(line) as { image?: unknown }).image;
        if (typeof image === 'string') this.done.add(image);
      } catch {
        // not a whole record
      }
    }
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
  }

  describe(): string {
    return this.file;
  }

  isDone(key: string): boolean {
    return this.done.has(key);
  }

  write(key: string, record: object): void {
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    this.done.add(key);
  }
}

/** JSONL on stdout (no --out or --jsonl): nothing is known to be done, every image is processed. */
export class JsonLinesStdout implements OutputSink {
  describe(): string {
    return 'stdout';
  }

  isDone(): boolean {
    return false;
  }

  write(_key: string, record: object): void {
    process.stdout.write(`${JSON.stringify(record)}\n`);
  }
}

/**
 * The CLI's INPUTS: files, folders (searched recursively for images and video files) and globs, as a
 * list of files, each with a key: its name in the outputs (the file name, or the path below the
 * folder or the glob's fixed part), which is what makes runs resumable and JSONL shards mergeable,
 * and its kind (by extension: a video file is decoded with ffmpeg, anything else as an image).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';

export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff'];
export const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'mpg', 'mpeg', 'ts'];

export interface InputFile {
  /** Absolute path. */
  file: string;
  /** Relative name with '/' separators, unique in the list. */
  key: string;
  kind: 'image' | 'video';
}

export function kindOf(file: string): InputFile['kind'] {
  return VIDEO_EXTENSIONS.includes(path.extname(file).slice(1).toLowerCase()) ? 'video' : 'image';
}

function isDirectory(p: string): boolean | undefined {
  try {
    return statSync(p).isDirectory();
  } catch {
    return undefined;
  }
}

/** The leading segments of a glob that hold no pattern characters. */
function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const s of segments.slice(0, -1)) {
    if (fg.isDynamicPattern(s)) break;
    fixed.push(s);
  }
  return fixed.join('/') || '.';
}

const toKey = (relative: string) => relative.split(path.sep).join('/');

/** Expands `args` in the order given (a folder's files and a glob's matches sorted). */
export async function expandInputs(args: string[], cwd = process.cwd()): Promise<{ images: InputFile[]; problems: string[] }> {
  const images: InputFile[] = [];
  const problems: string[] = [];
  const seenFiles = new Set<string>();
  const keys = new Map<string, string>();
  const add = (file: string, key: string, arg: string) => {
    if (seenFiles.has(file)) return;
    seenFiles.add(file);
    const other = keys.get(key);
    if (other !== undefined) {
      problems.push(`${arg}: ${path.relative(cwd, file) || file} and ${other} have the same name in the output (${key}); give them in separate runs or folders`);
      return;
    }
    keys.set(key, path.relative(cwd, file) || file);
    images.push({ file, key, kind: kindOf(file) });
  };
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    const dir = isDirectory(absolute);
    if (dir === false) {
      add(absolute, path.basename(absolute), arg);
    } else if (dir === true) {
      const extensions = [...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS];
      const found = await fg(`**/*.{${extensions.join(',')}}`, { cwd: absolute, caseSensitiveMatch: false, onlyFiles: true, dot: false });
      if (found.length === 0) problems.push(`${arg}: no images or videos in this folder (looked for ${extensions.join(', ')})`);
      for (const rel of found.sort()) add(path.join(absolute, rel), toKey(rel), arg);
    } else if (fg.isDynamicPattern(arg)) {
      const pattern = arg.split(path.sep).join('/');
      const base = path.resolve(cwd, staticBase(pattern));
      const found = await fg(pattern, { cwd, absolute: true, onlyFiles: true });
      if (found.length === 0) problems.push(`${arg}: no file matches`);
      for (const file of found.sort()) add(path.normalize(file), toKey(path.relative(base, file)), arg);
    } else {
      problems.push(`${arg}: no such file or folder`);
    }
  }
  return { images, problems };
}

/** Shard `index` (1-based) of `count`: every count-th image of the list, starting at the index-th. */
export function shard<T>(items: T[], index: number, count: number): T[] {
  return items.filter((_, i) => i % count === index - 1);
}

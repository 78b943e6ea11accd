/**
 * Which ffmpeg decodes video files: $FACE_MESH_FFMPEG, else `ffmpeg` on PATH. Nothing is downloaded:
 * without one, a `decoder-missing` error says how to install it.
 */
import { spawnSync } from 'node:child_process';
import { FaceMeshNodeError } from './errors.js';

const INSTALL_HINT = 'Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or set FACE_MESH_FFMPEG to the path of an ffmpeg binary.';

/** The ffmpeg command to run, checked once by running `ffmpeg -version`. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.FACE_MESH_FFMPEG;
  const command = configured || 'ffmpeg';
  const r = spawnSync(command, ['-hide_banner', '-version'], { encoding: 'utf8', env, timeout: 30_000 });
  if (r.error || r.status !== 0 || !/^ffmpeg version/m.test(r.stdout)) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message : `\`${command} -version\` exited with ${r.status}`;
    const where = configured ? `FACE_MESH_FFMPEG=${configured}` : 'ffmpeg on PATH';
    throw new FaceMeshNodeError('decoder-missing', `Video files are decoded with ffmpeg, and ${where} was ${why}. ${INSTALL_HINT}`);
  }
  return command;
}

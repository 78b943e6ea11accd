/**
 * Google's landmarks on the static parity images, committed (google-reference.json) so that engines
 * where Google's solution cannot run (its crop needs WebGL: it never finished in headless Firefox,
 * and WebKitGTK's software WebGL samples differently) compare our pipeline with the same numbers.
 * The Chromium parity test checks that the file still is what Google's solution gives, and
 * rewrites it with `UPDATE_PARITY_REFERENCE=1 npm test`. Each image carries the checksum of its
 * decoded pixels: an engine that decodes the JPEG differently is told so, not compared.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';

export interface ReferenceImage {
  name: string;
  width: number;
  height: number;
  /** Position-weighted sum of the decoded RGBA bytes (see pixelChecksum). */
  checksum: number;
  /** Each face's 478 x (x, y, z) in pixels, Float32 little-endian, base64. */
  faces: string[];
}

export interface CommittedReference {
  source: string;
  images: ReferenceImage[];
}

export const REFERENCE_URL = new URL('./google-reference.json', import.meta.url);

export function pixelChecksum(data: Uint8ClampedArray | Uint8Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s = (s + data[i]! * ((i % 251) + 1)) % 2 ** 40;
  return s;
}

export function encodeFace(face: Float32Array): string {
  const bytes = new Uint8Array(face.buffer, face.byteOffset, face.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeFace(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export async function loadReference(): Promise<CommittedReference> {
  const res = await fetch(REFERENCE_URL);
  expect(res.ok, `${REFERENCE_URL.pathname}: HTTP ${res.status}`).to.equal(true);
  return (await res.json()) as CommittedReference;
}

/** Writes the reference file when the test run was started with UPDATE_PARITY_REFERENCE=1; says whether it did. */
export async function saveReference(reference: CommittedReference): Promise<boolean> {
  return (await executeServerCommand<boolean, object>('save-parity-reference', { path: REFERENCE_URL.pathname, reference })) === true;
}

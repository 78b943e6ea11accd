// The element's events are typed on the element and nowhere else, checked with tsc in both
// directions: listeners on a FaceMeshElement see each event's `detail`; other elements keep the DOM's
// types (a <video>'s `suspend` is a plain Event, a <div> has no `landmarks`).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** tsc's diagnostics for `code`, a module next to the element's sources that imports its define entry. */
export function diagnostics(code, options = {}) {
  const file = path.join(root, 'packages/element/src/__typings_check__.ts');
  const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile).config;
  const { options: compilerOptions } = ts.convertCompilerOptionsFromJson({ ...config.compilerOptions, types: [], ...options }, root);
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile;
  host.readFile = (f) => (path.resolve(f) === file ? code : readFile(f));
  const fileExists = host.fileExists;
  host.fileExists = (f) => path.resolve(f) === file || fileExists(f);
  const program = ts.createProgram([file], compilerOptions, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? path.relative(root, d.file.fileName) : '',
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

test('every element event is typed on FaceMeshElement (addEventListener and removeEventListener)', () => {
  const found = diagnostics(`
    import './define.js';
    import type { FaceMeshErrorCode } from './index.js';
    const mesh = document.querySelector('face-mesh')!;
    mesh.addEventListener('landmarks', (e) => e.detail.faces[0]?.landmarks satisfies Float32Array | undefined);
    mesh.addEventListener('ready', (e) => e.detail.loadMs satisfies number);
    mesh.addEventListener('facefound', (e) => e.detail.id satisfies number);
    mesh.addEventListener('facelost', (e) => e.detail.count satisfies number);
    mesh.addEventListener('error', (e) => e.detail.code satisfies FaceMeshErrorCode);
    mesh.addEventListener('progress', (e) => e.detail.progress satisfies number);
    mesh.addEventListener('suspend', (e) => e.detail.reason satisfies 'hidden');
    mesh.addEventListener('resume', (e) => e.detail.reason satisfies 'hidden');
    const onError = (e: import('./index.js').FaceMeshErrorEvent) => e.detail.message;
    mesh.addEventListener('error', onError, { once: true });
    mesh.removeEventListener('error', onError);
    // other events keep their DOM types; unknown names take any listener
    mesh.addEventListener('click', (e) => e.clientX satisfies number);
    mesh.addEventListener('something-else', (e: Event) => e.type);
    const created = document.createElement('face-mesh');
    created.addEventListener('landmarks', (e) => e.detail.width satisfies number);
  `);
  assert.deepEqual(found, []);
});

test('nothing is added to the global HTMLElementEventMap: other elements keep the DOM event types', () => {
  const found = diagnostics(`
    import './define.js';
    const video = document.createElement('video');
    video.addEventListener('suspend', (e) => e.detail.reason);
    document.body.addEventListener('error', (e) => e.detail.code);
    document.body.addEventListener('landmarks', (e) => e.detail.faces);
  `);
  // TS2339: Property 'detail' does not exist (on Event, on ErrorEvent, and on an untyped event)
  assert.deepEqual(found.map((d) => [d.code, d.text.replace(/\n[\s\S]*/, '')]), [
    [2339, "Property 'detail' does not exist on type 'Event'."],
    [2339, "Property 'detail' does not exist on type 'ErrorEvent'."],
    [2339, "Property 'detail' does not exist on type 'Event'."],
  ]);
});

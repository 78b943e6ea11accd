// The element's attribute and event tables in README.md and packages/element/README.md equal what
// tools/element-tables.mjs makes from a fresh custom-elements.json (the analyzer run here, into a
// temporary folder), so a new or changed attribute cannot go undocumented.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { elementTables, TABLE_FILES, withTables } from './element-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('the README tables of attributes and events match the element (custom-elements.json)', () => {
  // The analyzer records its output in the package.json of its working folder: it runs on copies.
  const out = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-cem-'));
  try {
    mkdirSync(path.join(out, 'packages/element/src'), { recursive: true });
    for (const file of ['custom-elements-manifest.config.mjs', 'packages/element/src/face-mesh.ts', 'packages/element/src/events.ts']) {
      copyFileSync(path.join(root, file), path.join(out, file));
    }
    // (the config reads the defaults through tools/ts-module.mjs, which bundles them from the repository)
    symlinkSync(path.join(root, 'tools'), path.join(out, 'tools'));
    writeFileSync(path.join(out, 'package.json'), '{"name": "cem-check", "private": true, "type": "module"}\n');
    execFileSync(process.execPath, [
      path.join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet',
    ], { cwd: out, stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(path.join(out, 'packages/element/custom-elements.json'), 'utf8'));
    const tables = elementTables(manifest);
    assert.ok(tables['element-attributes'].includes('`max-faces`'), 'the attribute table lists max-faces');
    for (const file of TABLE_FILES) {
      const text = readFileSync(path.join(root, file), 'utf8');
      assert.equal(withTables(text, tables, file), text, `${file}: out of date, run node tools/element-tables.mjs (after npm run build)`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a description whose "Default X" differs from the element\'s default is refused', () => {
  const manifest = { modules: [{ declarations: [{ tagName: 'face-mesh', events: [], attributes: [{ name: 'fov', default: '60', description: 'Field of view. Default 63.' }] }] }] };
  assert.throws(() => elementTables(manifest), /<face-mesh fov>: its description says "Default 63", the element's default is 60/);
  manifest.modules[0].declarations[0].attributes[0].default = '63';
  assert.doesNotThrow(() => elementTables(manifest));
});

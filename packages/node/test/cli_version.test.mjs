// `face-mesh --version` and `-v` print the package's version (packages/node/package.json).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const cli = new URL('../dist/cli.js', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

for (const flag of ['--version', '-v']) {
  test(`face-mesh ${flag} prints ${version}`, () => {
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.equal(execFileSync(process.execPath, [cli.pathname, flag], { encoding: 'utf8' }), `${version}\n`);
  });
}

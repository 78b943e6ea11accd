/** The README's quick-start snippet, run as written (with the fake camera), and its error table. */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { ERROR_CODES } from '@face-mesh/worker-runtime';
import { FaceMeshElement } from '../src/index.js';
import { ELEMENT_ERROR_CODES } from '../src/events.js';

async function readmeSnippet(): Promise<{ markup: string; script: string }> {
  const readme = await (await fetch('/README.md')).text();
  const block = /<!-- snippet:quick-start[^>]*-->\s*```html\n([\s\S]*?)```\s*<!-- \/snippet -->/.exec(readme);
  if (!block) throw new Error('README.md has no quick-start snippet');
  const script = /<script type="module">([\s\S]*?)<\/script>/.exec(block[1]);
  if (!script) throw new Error('the snippet has no module script');
  return { markup: block[1].replace(script[0], ''), script: script[1] };
}

describe('README quick-start snippet', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured

  it('runs as written and reports landmarks', async () => {
    // Test environment only: from source, the wasm and models are in the build output.
    FaceMeshElement.assetBase = '/packages/element/dist/';
    const { markup, script } = await readmeSnippet();
    const host = document.createElement('div');
    host.innerHTML = markup;
    document.body.append(host);
    const url = await executeServerCommand<string, { name: string; source: string }>('write-module', { name: 'readme-snippet.js', source: script });
    await import(/* @vite-ignore */ url!);
    const mesh = host.querySelector('face-mesh') as FaceMeshElement;
    expect(mesh).to.be.instanceOf(FaceMeshElement);
    for (let i = 0; i < 600 && !mesh.dataset.nose; i++) await new Promise((r) => setTimeout(r, 100));
    expect(mesh.dataset.nose, 'the snippet wrote the nose position').to.match(/^\d+,\d+$/);
    const [x, y] = mesh.dataset.nose!.split(',').map(Number);
    expect(x).to.be.within(0, 640);
    expect(y).to.be.within(0, 480);
    host.remove();
  });
});

describe('README and docs/errors.md error codes', () => {
  it('the README error table lists every code the element and the worker raise, and no other', async () => {
    const readme = await (await fetch('/README.md')).text();
    const section = /## Errors\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const listed = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]));
    expect([...listed].sort()).to.deep.equal([...new Set([...ERROR_CODES, ...ELEMENT_ERROR_CODES])].sort());
  });

  it('docs/errors.md names every code', async () => {
    const doc = await (await fetch('/docs/errors.md')).text();
    for (const code of new Set([...ERROR_CODES, ...ELEMENT_ERROR_CODES])) expect(doc, code).to.contain(`\`${code}\``);
  });
});

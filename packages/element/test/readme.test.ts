/** The README's quick-start snippet, run as written (with the fake camera). */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceMeshElement } from '../src/index.js';

async function readmeSnippet(): Promise<{ markup: string; script: string }> {
  const readme = await (await fetch('/README.md')).text();
  const block = /<!-- snippet:quick-start[^>]*-->\s*```html\n([\s\S]*?)```\s*<!-- \/snippet -->/.exec(readme);
  if (!block) throw new Error('README.md has no quick-start snippet');
  const script = /<script type="module">([\s\S]*?)<\/script>/.exec(block[1]);
  if (!script) throw new Error('the snippet has no module script');
  return { markup: block[1].replace(script[0], ''), script: script[1] };
}

describe('README quick-start snippet', function () {
  this.timeout(120_000);

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

/**
 * The start-up loop (npm run startup-loop, tools/startup-loop.mjs): fresh workers started one after
 * another, counting those that never finish. Variants:
 * - `nested`: no face-mesh code at all, the minimal reproduction of Firefox's hang: a module worker
 *   starts a nested classic blob: worker that importScripts() a blob: script (what tfjs' wasm threads
 *   and our CSP probe do) and waits for its message.
 * - `source`: our worker from source (about a hundred modules through the dev server), as the tests
 *   start it, then init() on one thread.
 * - `built`: the built worker bundle (what users run), then init() on one thread.
 * Each start-up gets 20 s; one that has not finished is a hang (and then whether the worker still
 * answers a ping within 3 s).
 */
import * as Comlink from 'comlink';
import { executeServerCommand } from '@web/test-runner-commands';
import type { WorkerApi } from '../../packages/worker-runtime/src/index.js';

const { n, variants } = (await executeServerCommand('loop-settings')) as { n: number; variants: string[] };
const WASM_BASE = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
const log = (line: string) => executeServerCommand('loop-log', { line });

const NESTED = `
const inner = URL.createObjectURL(new Blob(['0'], { type: 'text/javascript' }));
const outer = URL.createObjectURL(new Blob(['try{importScripts(' + JSON.stringify(inner) + ');postMessage(true)}catch(e){postMessage(false)}'], { type: 'text/javascript' }));
const probe = new Worker(outer);
probe.onmessage = (e) => { postMessage('nested answered: ' + e.data); probe.terminate(); };
probe.onerror = () => postMessage('nested error');
`;

async function nested(): Promise<string> {
  const url = URL.createObjectURL(new Blob([NESTED], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  try {
    const answer = await within(new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data))), 20_000);
    return answer === 'timeout' ? 'hang: the nested worker never answered' : 'ok';
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}

async function runtime(built: boolean): Promise<string> {
  const worker = built
    ? new Worker('/packages/element/dist/face-mesh.worker.js', { type: 'module' })
    : new Worker(new URL('../../packages/worker-runtime/src/worker.js', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<WorkerApi>(worker);
  try {
    if ((await within(api.ping(), 20_000)) === 'timeout') return 'hang: the worker script never answered';
    const init = await within(api.init({ wasmBase: built ? '/packages/element/dist/wasm/' : WASM_BASE, threads: 1 }), 20_000);
    if (init !== 'timeout') return 'ok';
    const alive = (await within(api.ping(), 3_000)) !== 'timeout';
    return `hang: init never settled (the worker ${alive ? 'still answers' : 'no longer answers'})`;
  } finally {
    worker.terminate();
  }
}

describe('start-up loop', function () {
  this.timeout(0);
  for (const variant of variants) {
    it(variant, async () => {
      const counts: Record<string, number> = {};
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const result = variant === 'nested' ? await nested() : await runtime(variant === 'built');
        counts[result] = (counts[result] ?? 0) + 1;
        if (result !== 'ok') await log(`  #${i + 1}: ${result}`);
        if ((i + 1) % 100 === 0 || i + 1 === n) await log(`${variant} ${i + 1}/${n} (${((performance.now() - t0) / 1000).toFixed(0)} s): ${JSON.stringify(counts)}`);
      }
    });
  }
});

#!/usr/bin/env node
// npm run startup-loop -- [--engine firefox|chromium|webkit] [--n 1000] [--variants nested,source,built] [--busy]
// Starts fresh workers one after another in one browser and counts the start-ups that never finish
// (tools/startup-loop/loop.test.ts says what each variant does). --busy keeps both cores busy with
// two spinning processes while it runs. Progress lines go to the terminal (and to --log FILE).
// Needs `npm run build` first for the `built` variant.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'firefox' },
    n: { type: 'string', default: '1000' },
    variants: { type: 'string', default: 'nested,source,built' },
    busy: { type: 'boolean', default: false },
    log: { type: 'string' },
  },
});
const root = path.join(import.meta.dirname, '..');
const spinners = values.busy ? Array.from({ length: os.availableParallelism() }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' })) : [];
const stopSpinners = () => spinners.forEach((p) => p.kill());
process.on('exit', stopSpinners);
console.log(`start-up loop: ${values.engine}, ${values.n} of each of ${values.variants}${values.busy ? `, ${spinners.length} cores kept busy` : ''}`);
const runner = spawn(process.execPath, [path.join(root, 'node_modules/@web/test-runner/dist/bin.js'), '--config', 'tools/startup-loop/config.mjs'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LOOP_ENGINE: values.engine, LOOP_N: values.n, LOOP_VARIANTS: values.variants, LOOP_LOG: values.log ?? '' },
});
runner.on('exit', (code) => {
  stopSpinners();
  process.exit(code ?? 1);
});

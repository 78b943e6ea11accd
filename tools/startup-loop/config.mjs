// web-test-runner config of the start-up loop (tools/startup-loop.mjs): the test server of
// `npm test` (same middleware, COOP/COEP), one browser, only the loop's page, no time limit.
import base from '../../web-test-runner.config.mjs';
import { chromium, firefox, webkit } from '../engines.mjs';
import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { LOOP_ENGINE = 'firefox', LOOP_N = '1000', LOOP_VARIANTS = 'nested,source,built', LOOP_LOG } = process.env;
const browsers = {
  chromium: () => chromium({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'face-mesh-loop-')) }),
  firefox,
  webkit,
};

const loopCommands = {
  name: 'startup-loop',
  executeCommand({ command, payload }) {
    if (command === 'loop-settings') return { n: Number(LOOP_N), variants: LOOP_VARIANTS.split(',') };
    if (command !== 'loop-log') return undefined;
    console.log(payload.line);
    if (LOOP_LOG) appendFileSync(LOOP_LOG, `${payload.line}\n`);
    return true;
  },
};

export default {
  ...base,
  groups: undefined,
  reporters: undefined,
  files: ['tools/startup-loop/loop.test.ts'],
  browsers: [browsers[LOOP_ENGINE]()],
  plugins: [loopCommands, ...base.plugins],
  testsFinishTimeout: 6 * 3600_000,
  testFramework: { config: { timeout: 0 } },
};

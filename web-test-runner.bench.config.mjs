// `npm run bench:models`: the model benchmarks (not tests) in their own run, one file at a time, so
// nothing else competes for the 2 cores. Same server/browser set-up as the test config.
import baseConfig from './web-test-runner.config.mjs';

export default {
  ...baseConfig,
  files: ['packages/*/bench/**/*.bench.ts'],
  concurrency: 1,
  testFramework: { config: { timeout: 600_000 } },
};

#!/usr/bin/env node
// The browser tests' timeouts, from measured durations: after a run of `npm test` (whose reporter,
// tools/durations-reporter.mjs, writes every test's duration), prints for each test file the slowest
// test in any engine and the timeout the rule gives: five times that, rounded up to 10 s, at least
// 30 s. Each file's `this.timeout(...)` (or the runner's default) is set from this; run it after a
// run with one core kept busy, so the numbers include contention.
import { readFileSync } from 'node:fs';
import { DURATIONS_FILE } from './durations-reporter.mjs';

export const timeoutFor = (slowestMs) => Math.max(30_000, Math.ceil((5 * slowestMs) / 10_000) * 10_000);

const rows = JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
const slowest = new Map();
for (const r of rows) if (!slowest.has(r.file) || slowest.get(r.file).ms < r.ms) slowest.set(r.file, r);
for (const [file, r] of [...slowest].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${String(timeoutFor(r.ms) / 1000).padStart(4)} s  ${file} (slowest ${(r.ms / 1000).toFixed(1)} s, ${r.engine}: ${r.name})`);
}

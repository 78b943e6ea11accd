// A web-test-runner reporter: every test's duration, by engine and file, written to
// node_modules/.cache/face-mesh/test-durations.json after a run, and the slowest printed. The
// per-file timeouts (docs/architecture.md §8, "Timeouts") are set from these numbers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DURATIONS_FILE = path.join(import.meta.dirname, '..', 'node_modules/.cache/face-mesh/test-durations.json');

/** Every test of a session's result tree, with its suite path. */
function* testsOf(suite, prefix = []) {
  for (const t of suite?.tests ?? []) yield { name: [...prefix, t.name].join(' > '), ms: t.duration ?? 0, passed: t.passed, skipped: t.skipped };
  for (const s of suite?.suites ?? []) yield* testsOf(s, [...prefix, s.name]);
}

export function testDurations({ top = 8 } = {}) {
  return {
    onTestRunFinished({ sessions }) {
      const rows = [];
      for (const session of sessions) {
        const file = path.relative(process.cwd(), session.testFile);
        for (const t of testsOf(session.testResults)) if (!t.skipped) rows.push({ engine: session.browser.name, file, ...t });
      }
      // (one engine per run under npm test, tools/browser-tests.mjs: keep the other engines' rows)
      const engines = new Set(rows.map((r) => r.engine));
      if (existsSync(DURATIONS_FILE)) rows.push(...JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')).filter((r) => !engines.has(r.engine)));
      rows.sort((a, b) => b.ms - a.ms);
      mkdirSync(path.dirname(DURATIONS_FILE), { recursive: true });
      writeFileSync(DURATIONS_FILE, `${JSON.stringify(rows, null, 1)}\n`);
      if (!rows.length) return;
      console.log(`Slowest tests (all in ${path.relative(process.cwd(), DURATIONS_FILE)}):`);
      for (const r of rows.slice(0, top)) console.log(`  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.engine}  ${r.file}: ${r.name}`);
    },
  };
}

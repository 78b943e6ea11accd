// Benchmarks (not tests), in their own web-test-runner run, one file at a time, so nothing else
// competes for the cores. Same server/browser set-up as the test config, plus the server-side
// commands the benchmarks need (CDP throttling, heap, main-thread metrics, load average, a CPU
// hog, writing the results).
//   npm run bench          the full benchmark (bench/element.bench.ts): markdown on stdout,
//                          bench-results/latest.{json,md}
//   npm run bench:models   model-only times per binary, with a per-op profile
// BENCH_QUICK=1 shrinks every frame count (a smoke run, numbers not meaningful).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import baseConfig from './web-test-runner.config.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(root, 'bench-results');

/** One CDP session per test page for throttling and metrics; detached when done (see TOOLCHAIN notes). */
const cdpSessions = new Map();
async function cdpFor(session) {
  let cdp = cdpSessions.get(session.id);
  if (!cdp) {
    cdp = await session.browser.getPage(session.id).createCDPSession();
    cdpSessions.set(session.id, cdp);
  }
  return cdp;
}
async function detach(session) {
  const cdp = cdpSessions.get(session.id);
  cdpSessions.delete(session.id);
  await cdp?.detach().catch(() => {});
}

/** Busy-loop processes ("another program uses a core"), started and stopped by the benchmark. */
const hogs = new Set();
function stopHogs() {
  for (const child of hogs) child.kill('SIGKILL');
  hogs.clear();
}
process.on('exit', stopHogs);

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).slice(0, 3).map(Number);

/** CPU seconds (user + system): the whole machine (/proc/stat), and this process with its descendants (our Chromium). */
function cpuSeconds() {
  const hz = 100; // USER_HZ
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const machineBusy = (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]) / hz; // user nice system irq softirq steal
  const procs = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {}
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) if (!ours.has(pid) && ours.has(p.ppid)) { ours.add(pid); grew = true; }
  }
  let ourTicks = 0;
  for (const pid of ours) ourTicks += procs.get(pid)?.ticks ?? 0;
  return { machineBusy, ours: ourTicks / hz, wall: performance.now() / 1000 };
}

async function heapUsage(client) {
  await client.send('HeapProfiler.collectGarbage').catch(() => {});
  const { usedSize, totalSize } = await client.send('Runtime.getHeapUsage');
  return { usedSize, totalSize };
}

const benchCommands = {
  name: 'face-mesh-bench-commands',
  async executeCommand({ command, payload, session }) {
    switch (command) {
      case 'bench-config':
        return { quick: process.env.BENCH_QUICK === '1' };
      case 'bench-machine': {
        const page = session.browser.getPage(session.id);
        const cpus = os.cpus();
        return {
          cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
          platform: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version,
          browser: await page.browser().version(), loadavg: loadavg(),
        };
      }
      case 'bench-monotonic':
        // CLOCK_MONOTONIC in ms: Chromium's base::TimeTicks on Linux (camera VideoFrame timestamps).
        return Number(process.hrtime.bigint()) / 1e6;
      case 'bench-cpu':
        return cpuSeconds();
      case 'bench-loadavg':
        return loadavg();
      case 'bench-throttle': {
        // Emulation.setCPUThrottlingRate slows the page's main thread only (workers refuse it).
        const cdp = await cdpFor(session);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: payload.rate });
        if (payload.rate === 1) await detach(session); // a leftover session re-applies its rate later
        return true;
      }
      case 'bench-metrics': {
        // Main-thread task time of the page's renderer (CDP Performance domain), cumulative seconds.
        const cdp = await cdpFor(session);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
        const { metrics } = await cdp.send('Performance.getMetrics');
        const out = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
        if (payload?.detach) {
          await cdp.send('Performance.disable').catch(() => {});
          await detach(session);
        }
        return out;
      }
      case 'bench-heap': {
        // JS heap after a forced GC: the page's, and each live dedicated worker's whose URL matches.
        const page = session.browser.getPage(session.id);
        const pageClient = await page.createCDPSession();
        try {
          const result = { page: await heapUsage(pageClient), workers: [] };
          for (const w of page.workers()) {
            if (payload?.workerUrl && !w.url().includes(payload.workerUrl)) continue;
            try {
              result.workers.push({ url: w.url(), ...(await heapUsage(w.client)) });
            } catch (e) {
              result.workers.push({ url: w.url(), error: String(e?.message ?? e) });
            }
          }
          return result;
        } finally {
          await pageClient.detach().catch(() => {});
        }
      }
      case 'bench-load': {
        stopHogs();
        for (let i = 0; i < (payload?.processes ?? 0); i++) {
          const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
          hogs.add(child);
        }
        return [...hogs].map((c) => c.pid);
      }
      case 'bench-write': {
        mkdirSync(OUT, { recursive: true });
        writeFileSync(path.join(OUT, 'latest.json'), JSON.stringify(payload.json, null, 2) + '\n');
        writeFileSync(path.join(OUT, 'latest.md'), payload.markdown + '\n');
        return path.relative(root, path.join(OUT, 'latest.json'));
      }
      default:
        return undefined;
    }
  },
};

// The benchmarks run in Chromium only, without the test groups (which would run every test file).
const { groups, ...testConfig } = baseConfig;

export default {
  ...testConfig,
  browsers: groups.find((g) => g.name === 'chromium').browsers,
  files: ['bench/**/*.bench.ts', 'packages/*/bench/**/*.bench.ts'],
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 1_800_000,
  // (the runner's default reporter: the test durations file is the tests', not the benchmarks')
  reporters: undefined,
  testFramework: { config: { timeout: 1_500_000 } },
  // The benchmark prints its table with console.log; keep it, drop Google's WebGL chatter.
  filterBrowserLogs: baseConfig.filterBrowserLogs,
  plugins: [benchCommands, ...baseConfig.plugins],
};

// The browsers `npm test` runs in, all installed from Debian (nothing is downloaded):
// - Chromium (`chromium`): puppeteer-core over CDP (@web/test-runner-chrome).
// - Firefox ESR (`firefox-esr`): the same launcher with puppeteer-core's WebDriver BiDi driver.
// - WebKitGTK (`webkit2gtk-driver`, `xvfb`): @web/test-runner-webdriver talking to WebKitWebDriver,
//   which drives WebKitGTK's MiniBrowser on an Xvfb display that this launcher starts and stops.
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromiumArgs } from './dev-server-plugins.mjs';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
/**
 * WebKitWebDriver's and MiniBrowser's own output (GStreamer and D-Bus warnings on every page, so not
 * in the test report). A WebKitGTK run that ends in "the browser disconnected" says why here only;
 * .ci/run prints its end when the tests fail.
 */
export const WEBKIT_LOG = path.join(import.meta.dirname, '..', 'node_modules/.cache/face-mesh/webkit-browser.log');

/** Debian Chromium with the fake camera playing `fakeVideo` (a y4m clip). */
export function chromium({ userDataDir, fakeVideo }) {
  return chromeLauncher({
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs({ userDataDir, fakeVideo }),
      // Puppeteer's browser-wide target manager attaches DevTools to every worker, nested ones
      // included, each paused until the debugger lets it run. With it, a terminated worker that
      // had wasm threads kept its threads parked for the rest of the page in 3 of 3 runs of a
      // stream-and-remove loop; without it, 0 of 4 (it still happens, rarer: see the README on
      // threads). The page's own session still reaches workers (page.workers(): heaps) and sees
      // their requests.
      targetFilter: (target) => target.type() !== 'worker',
    },
  });
}

/**
 * Debian Firefox ESR, headless, over WebDriver BiDi (puppeteer-core, no geckodriver). Its synthetic
 * camera (moving colour pattern, no face) stands in for a real one, with no permission prompt.
 */
export function firefox() {
  return chromeLauncher({
    puppeteer: puppeteerCore,
    launchOptions: {
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        // a test page is never a background tab, but keep timers at full rate regardless
        'dom.min_background_timeout_value': 4,
      },
    },
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

/** A free X display number (no /tmp/.X<n>-lock). */
function freeDisplay() {
  for (let n = 90; n < 200; n++) if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  throw new Error('no free X display between :90 and :199');
}

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver, on its own Xvfb display (MiniBrowser needs a
 * display even with automation). Both processes are started with the first session and killed
 * when the runner stops (or the node process exits). MiniBrowser's mock capture devices give
 * getUserMedia a synthetic camera (no face) without a prompt.
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    super({ capabilities: { browserName: 'MiniBrowser' } });
    this.children = [];
  }

  async initialize(config, testFiles) {
    await super.initialize(config, testFiles);
    this.name = 'WebKitGTK';
  }

  async createDriverManager() {
    for (const [file, pkg] of [[WEBKIT_DRIVER_PATH, 'webkit2gtk-driver'], [MINIBROWSER_PATH, 'webkit2gtk-driver'], ['/usr/bin/Xvfb', 'xvfb']]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: apt-get install ${pkg}`);
    }
    const display = `:${freeDisplay()}`;
    const xvfb = spawn('/usr/bin/Xvfb', [display, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    this.children.push(xvfb);
    const port = await freePort();
    const env = { ...process.env, DISPLAY: display };
    mkdirSync(path.dirname(WEBKIT_LOG), { recursive: true });
    const log = openSync(WEBKIT_LOG, 'w');
    const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], { stdio: ['ignore', log, log], env });
    closeSync(log);
    this.children.push(driver);
    driver.once('exit', (code, signal) => {
      if (this.children.includes(driver)) console.error(`WebKitWebDriver exited during the run (code ${code}, signal ${signal}); its output: ${WEBKIT_LOG}`);
    });
    process.once('exit', () => this.killChildren());
    await waitForPort(port, driver, 'WebKitWebDriver');
    this.options = {
      hostname: '127.0.0.1',
      port,
      path: '/',
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        // classic WebDriver only: WebKitWebDriver refuses the BiDi capability webdriverio asks for by default
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: MINIBROWSER_PATH,
          args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true'],
        },
      },
    };
    return super.createDriverManager();
  }

  killChildren() {
    for (const child of this.children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    this.children = [];
  }

  async stop() {
    await super.stop();
    this.killChildren();
    // A crashed MiniBrowser or web process shows in the report only as "the browser disconnected".
    if (!existsSync(WEBKIT_LOG)) return;
    const crashes = readFileSync(WEBKIT_LOG, 'utf8').split('\n').filter((line) => /crash|segmentation|sigsegv|sigabrt|abort|out of memory|killed/i.test(line));
    if (crashes.length > 0) console.error(`WebKitGTK reported:\n${crashes.slice(-20).join('\n')}\n(all of its output: ${WEBKIT_LOG})`);
  }
}

export function webkit() {
  return new WebKitLauncher();
}

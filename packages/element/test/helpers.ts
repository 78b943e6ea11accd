/** Shared by the element's browser tests. */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { liveWorkers, type RuntimeClient } from '../src/runtime_client.js';
import type { FaceMeshElement } from '../src/index.js';

export { engine } from '../../worker-runtime/test/engine.js';

/** The built bundle's asset folder (wasm/ and models/), made by `npm run build` before the tests. */
export const ASSETS = '/packages/element/dist/';

/**
 * The built worker (one file, what users run). Tests that start and terminate many workers use it:
 * a source-mode worker loads ~100 modules through the dev server each time.
 */
export const BUILT_WORKER = new URL('/packages/element/dist/face-mesh.worker.js', location.href).href;

/** A `<face-mesh>` in the document, with the built assets and `attrs`. */
export function createFaceMesh(attrs: Record<string, string> = {}): FaceMeshElement {
  const el = document.createElement('face-mesh') as FaceMeshElement;
  el.setAttribute('asset-base', ASSETS);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  return el;
}

/**
 * Removing the element shuts it down at the end of the task (a removal followed by an insertion in
 * the same task is a move, which keeps it running): wait for that.
 */
export const removalSettled = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * One wasm thread on any machine (as 'auto' gives on 2 cores): no nested wasm workers, whose
 * termination Chromium sometimes leaves unfinished (README), in the no-worker-left checks.
 */
export const ONE_THREAD = { threads: '1' } as const;

/** The next `type` event on `el` that passes `filter`, or a rejection after `timeout` ms. */
export function nextEvent<T extends Event>(el: EventTarget, type: string, filter: (e: T) => boolean = () => true, timeout = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeout} ms`)), timeout);
    const on = (e: Event) => {
      if (!filter(e as T)) return;
      clearTimeout(timer);
      el.removeEventListener(type, on);
      resolve(e as T);
    };
    el.addEventListener(type, on);
  });
}

/** The 640x480 face crop of sample1 (MIT, @vladmandic/face-api) as a fresh ImageBitmap. */
export async function faceBitmap(): Promise<ImageBitmap> {
  const img = new Image();
  img.src = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';
  await img.decode();
  return createImageBitmap(img, 1232, 86, 640, 480);
}

interface WorkerTarget { id: string; url: string }
/** The browser's worker list; [] where it cannot tell (the command needs Chromium's DevTools). */
const listWorkers = async () => {
  const targets = await executeServerCommand<WorkerTarget[] | string, undefined>('list-workers');
  return Array.isArray(targets) ? targets : [];
};

/**
 * The browser's list is browser-wide: the previous test file's page may still be closing, with its
 * workers. Those listed when this file starts are not this page's.
 */
const otherPagesWorkers = listWorkers().then((targets) => new Set(targets.map((t) => t.id)));

/** The element's worker entry and the test fixtures wrapping it (not tfjs' blob: thread workers). */
const FACE_MESH_WORKER = /\/(face-mesh|fixtures\/crashy|fixtures\/broken)\.worker\.js/;

/** URLs of this page's live face-mesh workers, as the browser reports them (server command). */
export async function faceMeshWorkers(): Promise<string[]> {
  const others = await otherPagesWorkers;
  return (await listWorkers()).filter((t) => !others.has(t.id) && FACE_MESH_WORKER.test(t.url)).map((t) => t.url);
}

/** The browser reports a terminated worker's target gone some time after terminate() (seconds on a loaded 2-core machine): poll for up to 10 s. */
export async function workersSettleAt(count: number): Promise<string[]> {
  let urls = await faceMeshWorkers();
  for (let i = 0; i < 100 && urls.length !== count; i++) {
    await new Promise((r) => setTimeout(r, 100));
    urls = await faceMeshWorkers();
  }
  return urls;
}

/** -1 where it cannot tell (not Linux, or not Chromium: the command finds the browser through puppeteer). */
const workerThreads = async () => {
  const threads = await executeServerCommand<number | string, undefined>('worker-threads');
  return typeof threads === 'number' ? threads : -1;
};

/**
 * Dedicated-worker threads the operating system runs in the test browser's processes when this
 * file starts (other test files' pages may still hold some): what "none of ours left" comes back to.
 */
const threadBaseline = workerThreads();

// Both baselines are taken before this file's first test starts a worker.
before(() => Promise.all([otherPagesWorkers, threadBaseline]));

/**
 * Threads the operating system runs for dedicated workers in the test browser (ours and the wasm
 * threads inside them), once back at the baseline (polled for up to 10 s), and that baseline; -1
 * where it cannot tell (not Linux).
 */
export async function workerThreadsSettle(): Promise<{ threads: number; baseline: number }> {
  const baseline = await threadBaseline;
  let threads = await workerThreads();
  for (let i = 0; i < 100 && threads > baseline; i++) {
    await new Promise((r) => setTimeout(r, 100));
    threads = await workerThreads();
  }
  return { threads, baseline };
}

/**
 * No worker left: every worker the element started was terminated (its own bookkeeping), the
 * browser no longer lists one, and no worker thread is left running in the browser's processes.
 */
export async function expectNoWorkersLeft(what = 'workers left'): Promise<void> {
  expect(liveWorkers.size, `${what}: started and not terminated`).to.equal(0);
  expect(await workersSettleAt(0), `${what}: listed by the browser`).to.deep.equal([]);
  const { threads, baseline } = await workerThreadsSettle();
  if (baseline !== -1) expect(threads, `${what}: worker threads running (${baseline} when the file started)`).to.be.at.most(baseline);
}

/**
 * An element's worker client (private: its runtime controller's), for the worker's diagnostics API
 * (tensor and memory counts) and for reaching under the element in failure tests.
 */
export function workerClientOf(el: HTMLElement): RuntimeClient | null {
  return (el as unknown as { runtime: { client: RuntimeClient | null } }).runtime.client;
}

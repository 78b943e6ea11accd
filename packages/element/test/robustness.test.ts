/**
 * Failure modes of <face-mesh> in headless Chromium: bad frames, broken assets, camera errors,
 * worker crashes, start/stop storms, dropped frames, leaks, a strict CSP, and the network.
 * Every failure must be an `error` event or a rejected promise with a stable code and a message a
 * person can act on, and the element must work afterwards.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceMeshElement, FaceMeshError, type ErrorDetail, type LandmarksDetail, type LandmarksEvent } from '../src/index.js';
import { runtimeSettings } from '../src/runtime-client.js';
import '../src/define.js';

const ASSETS = '/packages/element/dist/';
const ORIGIN = location.origin;

function create(attrs: Record<string, string> = {}): FaceMeshElement {
  const el = document.createElement('face-mesh') as FaceMeshElement;
  el.setAttribute('asset-base', ASSETS);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  return el;
}

function next<T extends Event>(el: EventTarget, type: string, filter: (e: T) => boolean = () => true, timeout = 60_000): Promise<T> {
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

const nextError = (el: EventTarget, code?: string) =>
  next<CustomEvent<ErrorDetail>>(el, 'error', (e) => !code || e.detail.code === code).then((e) => e.detail);

async function rejection(p: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as FaceMeshError;
    return { name: err.name, code: err.code, message: err.message };
  }
  expect.fail('expected a rejection');
}

async function faceBitmap(): Promise<ImageBitmap> {
  const img = new Image();
  img.src = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';
  await img.decode();
  return createImageBitmap(img, 1232, 86, 640, 480);
}

async function faceMeshWorkers(): Promise<string[]> {
  const urls = (await executeServerCommand<string[], undefined>('list-workers')) ?? [];
  return urls.filter((u) => u.includes('face-mesh.worker'));
}

/** The browser reports a terminated worker's target gone shortly after terminate(): poll for up to 5 s. */
async function workersSettleAt(count: number): Promise<string[]> {
  let urls = await faceMeshWorkers();
  for (let i = 0; i < 50 && urls.length !== count; i++) {
    await new Promise((r) => setTimeout(r, 100));
    urls = await faceMeshWorkers();
  }
  return urls;
}

function assetVariant(name: string, change: { remove?: string[]; truncate?: string[]; text?: string[] }): Promise<string> {
  return executeServerCommand<string, object>('asset-variant', { name, ...change }) as Promise<string>;
}

describe('<face-mesh> failure modes', function () {
  this.timeout(300_000);

  describe('strict CSP', () => {
    async function cspPage(prefix: string, threads: string): Promise<Record<string, unknown>> {
      const frame = document.createElement('iframe');
      const result = new Promise<Record<string, unknown>>((resolve) => {
        const on = (e: MessageEvent) => {
          if (e.source !== frame.contentWindow || !e.data?.cspPage) return;
          window.removeEventListener('message', on);
          resolve(e.data as Record<string, unknown>);
        };
        window.addEventListener('message', on);
      });
      frame.src = `${prefix}packages/element/test/csp/page.html?threads=${threads}`;
      document.body.append(frame);
      const r = await result;
      console.log(`CSP page ${prefix} threads=${threads}: ${JSON.stringify(r)}`);
      frame.remove();
      return r;
    }

    it("works under default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob: (on one thread: threads need blob: scripts)", async () => {
      const r = await cspPage('/csp/', 'auto');
      expect(r.violations, 'CSP violations on the page').to.deep.equal([]);
      expect(r.ok, String(r.message)).to.equal(true);
      expect(r.faces).to.equal(1);
      expect(r.points).to.equal(478 * 3);
      expect(r.binary).to.equal('simd');
      expect(String(r.note)).to.contain('script-src blob:');
    });

    it("runs threaded when script-src also allows blob:", async () => {
      const r = await cspPage('/csp-blob/', 'auto');
      expect(r.violations).to.deep.equal([]);
      expect(r.ok, String(r.message)).to.equal(true);
      expect(r.faces).to.equal(1);
      expect(r.binary).to.equal('threaded-simd');
    });
  });
});

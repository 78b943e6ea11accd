/** Shared by the cross-engine element tests (engines.test.ts, page_cases.test.ts). */
import { expect } from 'chai';
import { BUILT_WORKER, ONE_THREAD, createFaceMesh, expectNoWorkersLeft, nextEvent, removalSettled } from './helpers.js';
import { runtimeSettings } from '../src/runtime_client.js';
import type { ErrorDetail, FaceMeshElement, LandmarksDetail, LandmarksEvent } from '../src/index.js';

export const SAMPLE6 = '/node_modules/@vladmandic/face-api/demo/sample6.jpg';
export const CLIP = '/demo/media/sample-clip.webm';
/** Made by the test config (tools/test-clip.mjs): the still face as H.264. */
export const MP4 = '/node_modules/.cache/face-mesh/still-face.mp4';
/** The test server on its other name: another origin (see originTestMirrors in tools/dev-server-plugins.mjs). */
export const OTHER_ORIGIN = location.origin.replace('//localhost:', '//127.0.0.1:');

export const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, ...attrs });
export const nextError = (el: EventTarget) => nextEvent<CustomEvent<ErrorDetail>>(el, 'error').then((e) => e.detail);
export const withFace = (el: EventTarget) => nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length > 0).then((e) => e.detail);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every `type` event `el` fires during `ms`. */
export async function eventsDuring<T extends Event>(el: EventTarget, type: string, ms: number): Promise<T[]> {
  const seen: T[] = [];
  const on = (e: Event) => seen.push(e as T);
  el.addEventListener(type, on);
  await sleep(ms);
  el.removeEventListener(type, on);
  return seen;
}

export function expectFaceArrays(detail: LandmarksDetail): void {
  const face = detail.faces[0];
  expect(face.landmarks).to.be.instanceOf(Float32Array).with.length(478 * 3);
  expect(face.normalized).to.be.instanceOf(Float32Array).with.length(478 * 3);
  expect(face.regions.lips).to.be.instanceOf(Float32Array).with.length(160);
  expect(face.regions.leftIris).to.be.instanceOf(Float32Array).with.length(10);
  expect(face.score).to.be.within(0.5, 1);
  for (let i = 0; i < face.landmarks.length; i += 3) {
    expect(face.landmarks[i]).to.be.within(0, detail.width);
    expect(face.landmarks[i + 1]).to.be.within(0, detail.height);
  }
}

/** The stream the element shows (camera or video), from its shadow DOM. */
export const shownStream = (el: FaceMeshElement) => el.shadowRoot!.querySelector('video')!.srcObject as MediaStream | null;


/**
 * The built worker (one file, what users run: from source, Firefox took seconds to load its ~100
 * modules through the dev server, long enough for the heartbeat to call it hung), and after each
 * test no element, no worker left.
 */
export function useBuiltWorkerAndCleanUp(): void {
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });
  afterEach(async () => {
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
    await expectNoWorkersLeft();
  });
}

/**
 * The runtime worker (src/worker.ts) for the frame benchmark: `?rgba` in its URL makes readFrame
 * convert every frame to RGBA, the path before BGRA frames were copied as they are, so the
 * benchmark times both side by side.
 */
import * as Comlink from 'comlink';
import { workerApi } from '../src/api/worker_api.js';
import { errorCodesAcrossComlink } from '../src/api/comlink_errors.js';
import { copyInOwnByteOrder } from '../src/pipeline/frame.js';

copyInOwnByteOrder(!new URLSearchParams(self.location.search).has('rgba'));
errorCodesAcrossComlink();
Comlink.expose(workerApi);

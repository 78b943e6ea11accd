/** Module-worker entry: exposes the runtime and diagnostics APIs to the page through Comlink. */
import * as Comlink from 'comlink';
import { workerApi } from './api/worker_api.js';
import { errorCodesAcrossComlink } from './api/comlink_errors.js';

errorCodesAcrossComlink();
Comlink.expose(workerApi);

/** Module-worker entry: exposes the runtime API to the page through Comlink. */
import * as Comlink from 'comlink';
import { runtimeApi } from './api.js';
import { errorCodesAcrossComlink } from './comlink_errors.js';

errorCodesAcrossComlink();
Comlink.expose(runtimeApi);

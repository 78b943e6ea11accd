/** Module-worker entry: exposes the runtime API to the page through Comlink. */
import * as Comlink from 'comlink';
import { runtimeApi } from './api.js';

Comlink.expose(runtimeApi);

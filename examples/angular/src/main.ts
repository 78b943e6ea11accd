import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { FaceMeshElement } from '@face-mesh/element';
import { App } from './app';

// Angular's builder (esbuild) does not emit the files a package finds with
// `new URL('./…', import.meta.url)`: angular.json copies the worker, wasm/ and models/ under
// /face-mesh/, and every element is pointed there before any starts.
FaceMeshElement.assetBase = '/face-mesh/';
FaceMeshElement.workerUrl = '/face-mesh/face-mesh.worker.js';

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((e: unknown) => console.error(e));

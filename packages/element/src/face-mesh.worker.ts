/**
 * The worker entry the element starts (`new URL('./face-mesh.worker.js', import.meta.url)`): in the
 * build it is its own module-worker bundle next to the element's.
 */
import '@face-mesh/worker-runtime/worker';

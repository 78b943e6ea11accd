/** getUserMedia with errors a person can act on. */
import { FaceMeshError } from './events.js';

export type FacingMode = 'user' | 'environment';

export async function openCamera(facingMode: FacingMode): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new FaceMeshError('camera-unsupported', 'This page cannot use the camera: it needs a secure context (https or localhost) and a browser with getUserMedia.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode, width: { ideal: 640 }, height: { ideal: 480 } },
    });
  } catch (e) {
    const name = e instanceof DOMException ? e.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new FaceMeshError('camera-denied', 'Camera permission was denied. Allow the camera for this site (the icon in the address bar), then call start() again.');
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      throw new FaceMeshError('camera-not-found', 'No camera was found. Connect one, or give the element an image or video with the src attribute.');
    }
    if (name === 'NotReadableError' || name === 'AbortError') {
      throw new FaceMeshError('camera-in-use', 'The camera could not be started; another application may be using it. Close it, then call start() again.');
    }
    throw new FaceMeshError('camera-unsupported', `The camera could not be started: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

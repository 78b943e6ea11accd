/**
 * Test images that exist on a fresh machine: the group photos of the MIT-licensed npm package
 * @vladmandic/face-api@1.7.15 (a devDependency), a 640x480 face crop of one of them, and a 30-frame
 * synthetic video made from that crop (moved, rotated by -12..+12 degrees and scaled 0.65..0.95).
 * Everything is drawn in the page, so Google's solution and ours get identical pixels.
 */
export const SAMPLE_BASE = '/node_modules/@vladmandic/face-api/demo/';
export const SAMPLES = ['sample1', 'sample2', 'sample3', 'sample4', 'sample5', 'sample6'];

export interface TestImage {
  name: string;
  canvas: HTMLCanvasElement;
  imageData: ImageData;
}

async function decode(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

function canvasOf(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  return [canvas, ctx];
}

function snapshot(name: string, canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): TestImage {
  return { name, canvas, imageData: ctx.getImageData(0, 0, canvas.width, canvas.height) };
}

/** A sample photo at its natural size (drawn 1:1, no resampling). */
export async function loadSample(name: string): Promise<TestImage> {
  const img = await decode(`${SAMPLE_BASE}${name}.jpg`);
  const [canvas, ctx] = canvasOf(img.naturalWidth, img.naturalHeight);
  ctx.drawImage(img, 0, 0);
  return snapshot(name, canvas, ctx);
}

/** The 640x480 crop of sample1 around its face (an integer-offset copy, no resampling). */
export async function faceCrop(): Promise<TestImage> {
  const img = await decode(`${SAMPLE_BASE}sample1.jpg`);
  const [canvas, ctx] = canvasOf(640, 480);
  ctx.drawImage(img, 1232, 86, 640, 480, 0, 0, 640, 480);
  return snapshot('sample1_face_640x480', canvas, ctx);
}

/** Frame t of n: the face crop moved, rotated and scaled over time, on a grey background. */
export function trackFrame(crop: TestImage, t: number, n = 30): TestImage {
  const [canvas, ctx] = canvasOf(640, 480);
  const phase = t / (n - 1);
  const angle = ((-12 + 24 * phase) * Math.PI) / 180;
  const scale = 0.65 + 0.3 * Math.sin(Math.PI * phase);
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 640, 480);
  ctx.translate(320 + 60 * Math.sin(2 * Math.PI * phase), 240 + 30 * Math.cos(2 * Math.PI * phase));
  ctx.rotate(angle);
  ctx.scale(scale, scale);
  ctx.drawImage(crop.canvas, -320, -240);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return snapshot(`f${String(t).padStart(3, '0')}`, canvas, ctx);
}

/** The image with deterministic noise of +-amplitude levels per channel (a camera's sensor noise). */
export function noisy(image: TestImage, seed: number, amplitude = 6): ImageData {
  const src = image.imageData;
  const out = new ImageData(new Uint8ClampedArray(src.data), src.width, src.height);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.data.length; i++) {
    if ((i & 3) === 3) continue;
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out.data[i] += ((s >>> 0) % (2 * amplitude + 1)) - amplitude;
  }
  return out;
}

/**
 * A still 640x480 frame with the face of the crop (a 320-pixel-wide strip around it) on the left,
 * and with `second` the same face again on the right, on a grey background.
 */
export function sideBySideFrame(crop: TestImage, second: boolean): TestImage {
  const [canvas, ctx] = canvasOf(640, 480);
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 640, 480);
  ctx.drawImage(crop.canvas, 180, 0, 320, 480, 0, 0, 320, 480);
  if (second) ctx.drawImage(crop.canvas, 180, 0, 320, 480, 320, 0, 320, 480);
  return snapshot(second ? 'two_faces' : 'one_face', canvas, ctx);
}

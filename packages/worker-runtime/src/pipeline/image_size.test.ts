/** imageSize: the pixel size from the file header, for the formats the browser makes here. */
import { expect } from 'chai';
import { imageSize } from './image_size.js';

async function bytesOf(blob: Blob): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await blob.arrayBuffer());
}

describe('imageSize (header only, no decoding)', () => {
  it('JPEG: the sample photos, compared with their decoded size', async () => {
    for (const name of ['sample1.jpg', 'sample2.jpg', 'sample6.jpg']) {
      const bytes = await bytesOf(await (await fetch(`/node_modules/@vladmandic/face-api/demo/${name}`)).blob());
      const bitmap = await createImageBitmap(new Blob([bytes]));
      expect(imageSize(bytes), name).to.deep.equal({ format: 'JPEG', width: bitmap.width, height: bitmap.height });
      bitmap.close();
    }
  });

  for (const [type, format] of [['image/png', 'PNG'], ['image/webp', 'WebP'], ['image/jpeg', 'JPEG']] as const) {
    it(`${format} written by the browser at 321x123 and 5000x7`, async () => {
      for (const [w, h] of [[321, 123], [5000, 7]] as const) {
        const canvas = new OffscreenCanvas(w, h);
        canvas.getContext('2d')!.fillRect(0, 0, 10, 5);
        const bytes = await bytesOf(await canvas.convertToBlob({ type, quality: 0.9 }));
        expect(imageSize(bytes), `${format} ${w}x${h}`).to.deep.equal({ format, width: w, height: h });
      }
    });
  }

  it('GIF and BMP headers; unknown or cut files give null', () => {
    const gif = Uint8Array.of(...new TextEncoder().encode('GIF89a'), 0x10, 0x27, 0x20, 0x4e);
    expect(imageSize(gif)).to.deep.equal({ format: 'GIF', width: 10000, height: 20000 });
    const bmp = new Uint8Array(26);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true); // top-down
    expect(imageSize(bmp)).to.deep.equal({ format: 'BMP', width: 640, height: 480 });
    expect(imageSize(new TextEncoder().encode('<!doctype html>'))).to.equal(null);
    expect(imageSize(Uint8Array.of(0xff, 0xd8, 0xff))).to.equal(null);
    expect(imageSize(new Uint8Array(0))).to.equal(null);
  });
});

// The PNG decoder the player's renderers use is done with the bytes it is given when it returns:
// tiles read back from the spill file come in one reusable buffer, which the next read fills again.
import { expect } from '@open-wc/testing';
import { decodeWithBitmap, fastestImageDecode, type DecodedImage } from '../../src/core/image-decode.js';
import { solidPng } from '../helpers/screen-recording.js';

function colourOf(image: DecodedImage): number[] {
  const canvas = new OffscreenCanvas(4, 4);
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  image.close();
  return Array.from(context.getImageData(1, 1, 1, 1).data.slice(0, 3));
}

describe('fastestImageDecode', () => {
  it('takes the bytes when called: the buffer filled again at once still decodes as it was, before and after the decoder is chosen', async () => {
    const red = await solidPng([200, 0, 0], 64, 64);
    const blue = await solidPng([0, 0, 200], 64, 64);
    // Large enough to go through createImageBitmap rather than ImageDecoder.
    const green = await solidPng([0, 200, 0], 300, 300);
    const buffer = new Uint8Array(Math.max(red.length, blue.length, green.length));
    const decode = fastestImageDecode();
    const decodeIn = (png: Uint8Array): Promise<DecodedImage> => {
      buffer.set(png);
      const decoding = decode(buffer.subarray(0, png.length));
      buffer.fill(0);
      return decoding;
    };
    // The first call waits for the choice of decoder; the later ones decode at once.
    const first = decodeIn(red);
    const second = decodeIn(blue);
    expect(colourOf(await first)).to.deep.equal([200, 0, 0]);
    expect(colourOf(await second)).to.deep.equal([0, 0, 200]);
    expect(colourOf(await decodeIn(red))).to.deep.equal([200, 0, 0]);
    expect(colourOf(await decodeIn(green))).to.deep.equal([0, 200, 0]);
    buffer.set(blue);
    const bitmap = decodeWithBitmap(buffer.subarray(0, blue.length));
    buffer.fill(0);
    expect(colourOf(await bitmap)).to.deep.equal([0, 0, 200]);
  });
});

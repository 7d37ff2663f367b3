// What only the data can tell is checked as it is read, before anything is decoded or allocated in
// full: an IDX label of 2e9 classes, an 8000×8000 PNG of a few KB, a FIFO or device named as a
// data file.
import * as assert from 'assert';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { readIdx, writeIdx } from '../../../src/engine/data';
import { readIdxPair } from '../../../src/engine/data/idxPair';
import { decodeImage, jpegSize, pngSize } from '../../../src/engine/data/imageOps';
import { tempDir } from '../data/helpers';

describe('inputs: data checked before it is decoded', () => {
  it('refuses an IDX label of 2e9 with the file and the label, without allocating classes', async () => {
    const dir = tempDir();
    writeIdx(path.join(dir, 'img.idx'), [2, 2], new Uint8Array(4));
    writeIdx(path.join(dir, 'lab.idx'), [2], Int32Array.from([0, 2_000_000_000]));
    await assert.rejects(readIdxPair(path.join(dir, 'img.idx'), path.join(dir, 'lab.idx')), (e: Error) => {
      assert.match(e.message, /lab\.idx: label 1 is 2000000000; class indices must be below 100000/);
      return true;
    });
  });

  it('refuses a FIFO or a device named as an IDX file without blocking on it', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'fifo.idx');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readIdx(fifo), /fifo\.idx: expected a regular file, found a FIFO/);
    await assert.rejects(readIdx('/dev/zero'), /\/dev\/zero: expected a regular file, found a device/);
  });

  it('reads PNG and JPEG sizes from their headers and refuses an 8000×8000 image before decoding it', () => {
    const dir = tempDir();
    const small = new PNG({ width: 3, height: 2 });
    const pngBytes = PNG.sync.write(small);
    assert.deepStrictEqual(pngSize(pngBytes), { width: 3, height: 2 });
    const jpegBytes = jpeg.encode({ width: 5, height: 4, data: Buffer.alloc(5 * 4 * 4) }, 90).data;
    assert.deepStrictEqual(jpegSize(jpegBytes), { width: 5, height: 4 });
    // A PNG whose IHDR claims 8000×8000: only the header is needed to refuse it.
    const huge = Buffer.from(pngBytes);
    huge.writeUInt32BE(8000, 16);
    huge.writeUInt32BE(8000, 20);
    const file = path.join(dir, 'huge.png');
    const before = process.memoryUsage().rss;
    assert.throws(
      () => decodeImage(huge, file),
      /huge\.png: the image is 8000×8000; images of more than 16 megapixels/,
    );
    assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024);
    const hugeJpeg = Buffer.from(jpegBytes);
    const sof = hugeJpeg.indexOf(Buffer.from([0xff, 0xc0]));
    hugeJpeg.writeUInt16BE(8000, sof + 5);
    hugeJpeg.writeUInt16BE(8000, sof + 7);
    assert.throws(() => decodeImage(hugeJpeg, 'big.jpg'), /big\.jpg: the image is 8000×8000/);
  });
});

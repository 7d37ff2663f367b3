// Decoding PNG/JPEG to pixels, channel conversion and resizing, on plain arrays.
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major. */
  data: Uint8Array;
}

/** An image as floats of 0…255: height × width × channels, row-major. */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** 4096 × 4096: a larger image would take over 64 MB decoded, for a dataset that is resized far below it. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** Width and height from a PNG's IHDR chunk, read before anything is decoded. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height from a JPEG's first start-of-frame marker, read before anything is decoded. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return {
        height: (bytes[offset + 5] << 8) | bytes[offset + 6],
        width: (bytes[offset + 7] << 8) | bytes[offset + 8],
      };
    offset += 2 + length;
  }
  return undefined;
}

function checkSize(size: { width: number; height: number } | undefined, file: string): void {
  if (size && size.width * size.height > MAX_IMAGE_PIXELS)
    throw new Error(
      `${file}: the image is ${size.width}×${size.height}; images of more than ${MAX_IMAGE_PIXELS / 1024 / 1024} megapixels (4096×4096) are not decoded`,
    );
}

/** Decodes a PNG or JPEG (recognised by its bytes, not its name) to 8-bit RGBA; its size is checked first. */
export function decodeImage(bytes: Buffer, file: string): Rgba {
  if (isPng(bytes)) checkSize(pngSize(bytes), file);
  else if (isJpeg(bytes)) checkSize(jpegSize(bytes), file);
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(bytes);
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length),
      };
    }
    if (isJpeg(bytes)) {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
        maxMemoryUsageInMB: 256,
      });
      return { width: image.width, height: image.height, data: image.data };
    }
  } catch (error) {
    throw new Error(`${file}: cannot decode image (${(error as Error).message})`, { cause: error });
  }
  throw new Error(`${file}: not a PNG or JPEG file`);
}

/**
 * 1 channel: ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), as most image libraries compute grey;
 * 3 channels: RGB. Alpha is dropped, as when an image library converts RGBA to RGB.
 */
export function toChannels(image: Rgba, channels: 1 | 3): Pixels {
  const count = image.width * image.height;
  const data = new Float32Array(count * channels);
  const src = image.data;
  for (let p = 0; p < count; p++) {
    const r = src[4 * p];
    const g = src[4 * p + 1];
    const b = src[4 * p + 2];
    if (channels === 1) {
      data[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    } else {
      data[3 * p] = r;
      data[3 * p + 1] = g;
      data[3 * p + 2] = b;
    }
  }
  return { width: image.width, height: image.height, channels, data };
}

interface Taps {
  /** First source index of each output position. */
  start: Int32Array;
  /** Number of taps of each output position. */
  size: Int32Array;
  /** Normalised weights, `maxTaps` per output position. */
  weights: Float64Array;
  maxTaps: number;
}

/**
 * Bilinear (triangle filter) weights from `inSize` to `outSize` samples with pixel centres at
 * i + 0.5. When shrinking, the filter widens by the scale factor so every source pixel counts
 * (antialiasing, as Pillow's bilinear resize does); when enlarging it is plain bilinear interpolation.
 */
function bilinearTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter has support 1 at unit scale
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const from = Math.max(0, Math.floor(center - support + 0.5));
    const to = Math.min(inSize, Math.floor(center + support + 0.5));
    let total = 0;
    for (let i = from; i < to; i++) {
      const w = Math.max(0, 1 - Math.abs((i - center + 0.5) / filterScale));
      weights[o * maxTaps + i - from] = w;
      total += w;
    }
    for (let i = from; i < to; i++) weights[o * maxTaps + i - from] /= total;
    start[o] = from;
    size[o] = to - from;
  }
  return { start, size, weights, maxTaps };
}

/** Resizes to height × width with separable bilinear resampling (rows first, then columns). */
export function resizeBilinear(image: Pixels, height: number, width: number): Pixels {
  if (image.height === height && image.width === width) return image;
  const c = image.channels;
  const horizontal = bilinearTaps(image.width, width);
  const vertical = bilinearTaps(image.height, height);
  const wide = new Float32Array(image.height * width * c);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let t = 0; t < horizontal.size[x]; t++)
          sum +=
            horizontal.weights[x * horizontal.maxTaps + t] *
            image.data[(y * image.width + horizontal.start[x] + t) * c + ch];
        wide[(y * width + x) * c + ch] = sum;
      }
    }
  }
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let t = 0; t < vertical.size[y]; t++)
          sum += vertical.weights[y * vertical.maxTaps + t] * wide[((vertical.start[y] + t) * width + x) * c + ch];
        out[(y * width + x) * c + ch] = sum;
      }
    }
  }
  return { width, height, channels: c, data: out };
}

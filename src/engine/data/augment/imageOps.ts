// The geometric and erasing operations of augmentation on one image held in a typed array
// (height × width × channels, row-major). Rows are moved with TypedArray.set, never per-pixel closures.

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** The index `i` reflected into [0, n) without repeating the edge (PyTorch's 'reflect' padding). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
  return j;
}

/**
 * dst(y, x) = src(y − dy, x − dx). Where that falls outside the source: zero, or the reflected
 * source pixel. A random crop of an image padded by p at offset (oy, ox) is a shift by (p − oy, p − ox).
 */
export function shiftImage(
  src: Float32Array,
  dst: Float32Array,
  shape: ImageShape,
  dy: number,
  dx: number,
  reflect: boolean,
): void {
  const { height: h, width: w, channels: c } = shape;
  const rowSize = w * c;
  const x0 = Math.max(0, dx);
  const x1 = Math.min(w, w + dx);
  for (let y = 0; y < h; y++) {
    const out = y * rowSize;
    let sy = y - dy;
    if (sy < 0 || sy >= h) {
      if (!reflect) {
        dst.fill(0, out, out + rowSize);
        continue;
      }
      sy = reflectIndex(sy, h);
    }
    const row = sy * rowSize;
    if (x1 > x0) dst.set(src.subarray(row + (x0 - dx) * c, row + (x1 - dx) * c), out + x0 * c);
    for (let x = 0; x < w; x++) {
      if (x === x0 && x1 > x0) x = x1;
      if (x >= w) break;
      if (reflect) {
        const sx = row + reflectIndex(x - dx, w) * c;
        dst.set(src.subarray(sx, sx + c), out + x * c);
      } else dst.fill(0, out + x * c, out + (x + 1) * c);
    }
  }
}

/** dst = src mirrored left to right. */
export function flipImage(src: Float32Array, dst: Float32Array, shape: ImageShape): void {
  const { height: h, width: w, channels: c } = shape;
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let x = 0; x < w; x++) {
      const from = row + (w - 1 - x) * c;
      const to = row + x * c;
      for (let k = 0; k < c; k++) dst[to + k] = src[from + k];
    }
  }
}

/** A box of rows [y0, y1) and columns [x0, x1), already clipped to the image. */
export interface Box {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** The box of `height` × `width` centred at (cy, cx) (DeVries & Taylor's cutout), clipped to the image. */
export function centredBox(shape: ImageShape, cy: number, cx: number, height: number, width: number): Box {
  const y0 = cy - Math.floor(height / 2);
  const x0 = cx - Math.floor(width / 2);
  return {
    y0: Math.max(0, y0),
    y1: Math.min(shape.height, y0 + height),
    x0: Math.max(0, x0),
    x1: Math.min(shape.width, x0 + width),
  };
}

export function boxArea(box: Box): number {
  return Math.max(0, box.y1 - box.y0) * Math.max(0, box.x1 - box.x0);
}

/** Sets the box of `image` to zero. */
export function eraseBox(image: Float32Array, shape: ImageShape, box: Box): void {
  const rowSize = shape.width * shape.channels;
  for (let y = box.y0; y < box.y1; y++)
    image.fill(0, y * rowSize + box.x0 * shape.channels, y * rowSize + box.x1 * shape.channels);
}

/** Copies the box of `src` into the same box of `dst`. */
export function pasteBox(src: Float32Array, dst: Float32Array, shape: ImageShape, box: Box): void {
  const rowSize = shape.width * shape.channels;
  if (box.x1 <= box.x0) return;
  for (let y = box.y0; y < box.y1; y++) {
    const from = y * rowSize + box.x0 * shape.channels;
    dst.set(src.subarray(from, y * rowSize + box.x1 * shape.channels), from);
  }
}

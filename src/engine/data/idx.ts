// The IDX format of MNIST and its kin: two zero bytes, a type code, the number of dimensions,
// each dimension as a big-endian uint32, then the values in row-major order, big-endian.
// Files may be gzip-compressed (as LeCun's originals are); they are recognised by their bytes.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { describeIoError, openRegularFile } from '../io/safeRead';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export type IdxType = 'ubyte' | 'sbyte' | 'short' | 'int' | 'float' | 'double';

export interface IdxFile {
  type: IdxType;
  dims: number[];
  /** Values in row-major order; for 'ubyte' a view on the file's bytes (no copy). */
  data: IdxArray;
}

interface TypeInfo {
  type: IdxType;
  code: number;
  bytes: number;
  make: (length: number) => IdxArray;
  read: (view: DataView, offset: number) => number;
  write: (view: DataView, offset: number, value: number) => void;
}

const TYPES: TypeInfo[] = [
  {
    type: 'ubyte',
    code: 0x08,
    bytes: 1,
    make: (n) => new Uint8Array(n),
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
  },
  {
    type: 'sbyte',
    code: 0x09,
    bytes: 1,
    make: (n) => new Int8Array(n),
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
  },
  {
    type: 'short',
    code: 0x0b,
    bytes: 2,
    make: (n) => new Int16Array(n),
    read: (v, o) => v.getInt16(o),
    write: (v, o, x) => v.setInt16(o, x),
  },
  {
    type: 'int',
    code: 0x0c,
    bytes: 4,
    make: (n) => new Int32Array(n),
    read: (v, o) => v.getInt32(o),
    write: (v, o, x) => v.setInt32(o, x),
  },
  {
    type: 'float',
    code: 0x0d,
    bytes: 4,
    make: (n) => new Float32Array(n),
    read: (v, o) => v.getFloat32(o),
    write: (v, o, x) => v.setFloat32(o, x),
  },
  {
    type: 'double',
    code: 0x0e,
    bytes: 8,
    make: (n) => new Float64Array(n),
    read: (v, o) => v.getFloat64(o),
    write: (v, o, x) => v.setFloat64(o, x),
  },
];

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses IDX bytes; `file` names the source in error messages. */
export function decodeIdx(raw: Uint8Array, file: string): IdxFile {
  let bytes = raw;
  if (isGzip(bytes)) {
    try {
      // A small gzip file may expand to anything: the output is bounded like an uncompressed file.
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: IDX_FILE_LIMIT });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new Error(`${file}: the compressed IDX data expands to more than ${IDX_FILE_LIMIT / 1024 ** 3} GB`);
      throw new Error(`${file}: gzip data is corrupt (${(error as Error).message})`);
    }
  }
  if (bytes.length < 4)
    throw new Error(`${file}: not an IDX file (only ${bytes.length} bytes, the header alone takes at least 8)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${file}: not an IDX file (wrong magic: first two bytes are ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00)`,
    );
  }
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (!info) {
    throw new Error(
      `${file}: unknown IDX type code ${hex(bytes[2])} (known: ${TYPES.map((t) => `${hex(t.code)} ${t.type}`).join(', ')})`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new Error(`${file}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    throw new Error(
      `${file}: truncated IDX header (${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length})`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const length = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + length * info.bytes;
  if (bytes.length !== expected) {
    throw new Error(
      `${file}: size mismatch: dimensions [${dims.join(', ')}] of ${info.type} need ${expected} bytes, the file has ${bytes.length}` +
        (bytes.length < expected ? ' (truncated?)' : ''),
    );
  }
  if (info.type === 'ubyte')
    return { type: info.type, dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, length) };
  const data = info.make(length);
  for (let i = 0, offset = headerBytes; i < length; i++, offset += info.bytes) data[i] = info.read(view, offset);
  return { type: info.type, dims, data };
}

function typeOf(data: IdxArray): TypeInfo {
  const type: IdxType =
    data instanceof Uint8Array
      ? 'ubyte'
      : data instanceof Int8Array
        ? 'sbyte'
        : data instanceof Int16Array
          ? 'short'
          : data instanceof Int32Array
            ? 'int'
            : data instanceof Float32Array
              ? 'float'
              : 'double';
  return TYPES.find((t) => t.type === type) as TypeInfo;
}

/** IDX bytes for `data` shaped `dims`; the type code follows the array's type. */
export function encodeIdx(dims: number[], data: IdxArray): Uint8Array {
  if (dims.length === 0 || dims.length > 255) throw new Error(`IDX needs 1 to 255 dimensions, got ${dims.length}`);
  if (dims.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff))
    throw new Error(`IDX dimensions must be non-negative 32-bit integers, got [${dims.join(', ')}]`);
  const length = dims.reduce((a, b) => a * b, 1);
  if (length !== data.length)
    throw new Error(`IDX dimensions [${dims.join(', ')}] hold ${length} values, the data has ${data.length}`);
  const info = typeOf(data);
  const headerBytes = 4 + 4 * dims.length;
  const bytes = new Uint8Array(headerBytes + length * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  if (info.type === 'ubyte') bytes.set(data, headerBytes);
  else for (let i = 0, offset = headerBytes; i < length; i++, offset += info.bytes) info.write(view, offset, data[i]);
  return bytes;
}

/** Writes an IDX file (gzip-compressed when the name ends in `.gz`). */
export function writeIdx(file: string, dims: number[], data: IdxArray): void {
  const bytes = encodeIdx(dims, data);
  fs.writeFileSync(file, file.endsWith('.gz') ? zlib.gzipSync(bytes) : bytes);
}

/** An IDX file, compressed or not, is held in memory whole: larger ones are refused before reading. */
export const IDX_FILE_LIMIT = 2 * 1024 * 1024 * 1024;

export async function readIdx(file: string): Promise<IdxFile> {
  const opened = openRegularFile(file, IDX_FILE_LIMIT);
  if ('error' in opened) throw new Error(`cannot read IDX file ${file}: ${opened.error}`);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(opened.fd);
  } catch (error) {
    throw new Error(`cannot read IDX file ${file}: ${describeIoError(error)}`);
  } finally {
    fs.closeSync(opened.fd);
  }
  return decodeIdx(raw, file);
}

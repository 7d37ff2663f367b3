// Loops in WebAssembly, run directly on the wasm backend's memory, for the kernels this engine adds
// in JavaScript where a loop over the heap one float at a time is the cost: the optimizer updates
// (Adam took about 10 ns per parameter: 13 ms per step on the Hinton student's 1.3 M parameters),
// and the im2col / col2im of the convolution gradients (most of a ResNet-8 layer's gradient time).
// A tiny module, assembled here from its instructions (no build step, no binary in the repository),
// imports the backend's own memory: the updates work four floats at a time with f32x4 arithmetic,
// in the order tf.AdamOptimizer and tf.MomentumOptimizer use and in float32 as they do; im2col copies
// runs with memory.copy, col2im adds runs of channels four at a time.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

// Value types and the opcodes used below (WebAssembly core and SIMD specifications).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32And: [0x71],
  i32Eq: [0x46],
  i32LeS: [0x4c],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  /** memory.fill(dst, byte, count) and memory.copy(dst, src, count) (bulk memory). */
  memoryFill: [0xfc, 11, 0],
  memoryCopy: [0xfc, 10, 0, 0],
  simd: (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates],
};
// v128.load / v128.store with alignment hint 2⁰ (no alignment promised) and offset 0.
const load = op.simd(0x00, 0, 0);
const store = op.simd(0x0b, 0, 0);
const splat = op.simd(0x13);
const sqrt = op.simd(0xe3);
const add = op.simd(0xe4);
const mul = op.simd(0xe6);
const div = op.simd(0xe7);

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

interface FunctionSpec {
  name: string;
  params: number[];
  /** Extra locals by type, in order after the parameters. */
  locals: number[];
  body: number[];
}

/**
 * A loop over byte offsets i = 0, 16, … < 4·n (local `i`, with `n` the float count, a multiple of 4),
 * running `step` for each group of four floats.
 */
function forEachQuad(n: number, i: number, end: number, step: number[]): number[] {
  return [
    ...op.get(n),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.set(end),
    ...op.i32Const(0),
    ...op.set(i),
    ...op.block,
    ...op.loop,
    ...op.get(i),
    ...op.get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    ...step,
    ...op.get(i),
    ...op.i32Const(16),
    ...op.i32Add,
    ...op.set(i),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** for (counter = from; counter < limit; counter += step) body, signed comparison. */
function forLoop(counter: number, from: number[], limit: number[], body: number[], step = 1): number[] {
  return [
    ...from,
    ...op.set(counter),
    ...op.block,
    ...op.loop,
    ...op.get(counter),
    ...limit,
    ...op.i32GeS,
    ...op.brIf(1),
    ...body,
    ...op.get(counter),
    ...op.i32Const(step),
    ...op.i32Add,
    ...op.set(counter),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** local.get of each local, then `ops` between them: get(a) get(b) op … */
function expr(...parts: (number | number[])[]): number[] {
  return parts.flatMap((p) => (typeof p === 'number' ? op.get(p) : p));
}

/**
 * im2colT(dst, x, C, n0, n1, H, W, OH, OW, SH, SW, hOff, offset, owLo, owHi): for one filter tap
 * (i, j), the rows k = (i, j, c) of the transposed columns, examples [n0, n1): for each channel c,
 * image n and output row oh, the run of OW columns x[n, c, oh·SH + hOff, ow·SW + offset] (NCHW
 * input), zeros outside the image; owLo ≤ ow < owHi are the columns inside it. Byte pointers.
 */
function im2colFunction(): FunctionSpec {
  const [dst, x, C, n0, n1, H, W, OH, OW, SH, SW, hOff, offset, owLo, owHi] = [...Array(15).keys()];
  const [c, n, oh, h, plane, src, ow, rowBytes, planeBytes] = [15, 16, 17, 18, 19, 20, 21, 22, 23];
  const bytes = (local: number): number[] => [...op.get(local), ...op.i32Const(2), ...op.i32Shl];
  const strided = forLoop(ow, op.get(owLo), op.get(owHi), [
    ...expr(dst, bytes(ow), op.i32Add),
    ...expr(src, ow, SW, op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add),
    ...op.f32Load,
    ...op.f32Store,
  ]);
  const inside = [
    // zeros left and right of the image
    ...expr(dst, op.i32Const(0), bytes(owLo), op.memoryFill),
    ...expr(dst, bytes(owHi), op.i32Add, op.i32Const(0), rowBytes, bytes(owHi), op.i32Sub, op.memoryFill),
    ...expr(plane, h, W, op.i32Mul, offset, op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add),
    ...op.set(src),
    ...expr(SW, op.i32Const(1), op.i32Eq),
    ...op.if,
    ...expr(dst, bytes(owLo), op.i32Add, src, bytes(owLo), op.i32Add, owHi, owLo, op.i32Sub),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.memoryCopy,
    ...op.else,
    ...strided,
    ...op.end,
  ];
  const row = [
    ...expr(oh, SH, op.i32Mul, hOff, op.i32Add),
    ...op.set(h),
    // h outside [0, H) (a negative h compares as a large unsigned number): a row of zeros
    ...expr(h, H, op.i32GeU),
    ...op.if,
    ...expr(dst, op.i32Const(0), rowBytes, op.memoryFill),
    ...op.else,
    ...inside,
    ...op.end,
    ...expr(dst, rowBytes, op.i32Add),
    ...op.set(dst),
  ];
  const image = [
    ...expr(x, n, C, op.i32Mul, c, op.i32Add, planeBytes, op.i32Mul, op.i32Add),
    ...op.set(plane),
    ...forLoop(oh, op.i32Const(0), op.get(OH), row),
  ];
  return {
    name: 'im2colT',
    params: Array<number>(15).fill(I32),
    locals: Array<number>(9).fill(I32),
    body: [
      ...bytes(OW),
      ...op.set(rowBytes),
      ...expr(H, W, op.i32Mul, op.i32Const(2), op.i32Shl),
      ...op.set(planeBytes),
      ...forLoop(c, op.i32Const(0), op.get(C), forLoop(n, op.get(n0), op.get(n1), image)),
    ],
  };
}

/**
 * col2im(dx, cols, n0, n1, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left): for examples
 * [n0, n1), dx[n, h, w, c] += cols[(n, oh, ow), (i, j, c)] wherever output (oh, ow)'s field covers
 * (h, w) (NHWC dx, byte pointers; cols holds just these examples' rows). Each (i, j) adds a run of
 * C channels, four at a time, in the order of the JavaScript loop it replaces.
 */
function col2imFunction(): FunctionSpec {
  const [dx, cols, n0, n1, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, top, left] = [...Array(17).keys()];
  const [n, oh, ow, i, j, h, w, from, to, c, rowBytes, quads] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];
  const at4 = (p: number): number[] => expr(p, c, op.i32Const(2), op.i32Shl, op.i32Add);
  const run = [
    ...forLoop(
      c,
      op.i32Const(0),
      op.get(quads),
      [...at4(to), ...at4(to), ...load, ...at4(from), ...load, ...add, ...store],
      4,
    ),
    ...forLoopFrom(c, op.get(C), [
      ...at4(to),
      ...at4(to),
      ...op.f32Load,
      ...at4(from),
      ...op.f32Load,
      ...op.f32Add,
      ...op.f32Store,
    ]),
  ];
  const tap = [
    ...expr(ow, SW, op.i32Mul, left, op.i32Sub, j, DW, op.i32Mul, op.i32Add),
    ...op.set(w),
    ...expr(w, W, op.i32LtU),
    ...op.if,
    ...expr(cols, i, KW, op.i32Mul, j, op.i32Add, C, op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add),
    ...op.set(from),
    ...expr(
      dx,
      n,
      H,
      op.i32Mul,
      h,
      op.i32Add,
      W,
      op.i32Mul,
      w,
      op.i32Add,
      C,
      op.i32Mul,
      op.i32Const(2),
      op.i32Shl,
      op.i32Add,
    ),
    ...op.set(to),
    ...run,
    ...op.end,
  ];
  const rowOfTaps = [
    ...expr(oh, SH, op.i32Mul, top, op.i32Sub, i, DH, op.i32Mul, op.i32Add),
    ...op.set(h),
    ...expr(h, H, op.i32LtU),
    ...op.if,
    ...forLoop(j, op.i32Const(0), op.get(KW), tap),
    ...op.end,
  ];
  const pixel = [
    ...forLoop(i, op.i32Const(0), op.get(KH), rowOfTaps),
    ...expr(cols, rowBytes, op.i32Add),
    ...op.set(cols),
  ];
  return {
    name: 'col2im',
    params: Array<number>(17).fill(I32),
    locals: Array<number>(12).fill(I32),
    body: [
      ...expr(KH, KW, op.i32Mul, C, op.i32Mul, op.i32Const(2), op.i32Shl),
      ...op.set(rowBytes),
      ...expr(C, op.i32Const(-4), op.i32And), // C rounded down to a multiple of 4
      ...op.set(quads),
      ...forLoop(
        n,
        op.get(n0),
        op.get(n1),
        forLoop(oh, op.i32Const(0), op.get(OH), forLoop(ow, op.i32Const(0), op.get(OW), pixel)),
      ),
    ],
  };
}

/** while (counter < limit) { body; counter++ }, continuing from the counter's current value. */
function forLoopFrom(counter: number, limit: number[], body: number[]): number[] {
  return forLoop(counter, op.get(counter), limit, body);
}

/** The four floats at byte offset `i` past pointer local `p`. */
function at(p: number, i: number): number[] {
  return [...op.get(p), ...op.get(i), ...op.i32Add];
}

/**
 * adam(w, m, v, g, w1, m1, v1, n, β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr), as tf.AdamOptimizer:
 * m1 = m·β₁ + g·(1−β₁); v1 = v·β₂ + g²·(1−β₂); w1 = (m1/(1−β₁ᵗ)) / (√(v1/(1−β₂ᵗ)) + ε) · (−lr) + w.
 */
function adamFunction(): FunctionSpec {
  const [w, m, v, g, w1, m1, v1, n] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scalars = 8; // β₁ … −lr: parameters 8–15
  const [i, end] = [16, 17];
  const [B1, K1, B2, K2, C1, C2, EPS, NLR, G, M, V] = [18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];
  const splats = [B1, K1, B2, K2, C1, C2, EPS, NLR].flatMap((local, k) => [
    ...op.get(scalars + k),
    ...splat,
    ...op.set(local),
  ]);
  const step = [
    ...at(g, i),
    ...load,
    ...op.set(G),
    // m1 = m·β₁ + g·(1−β₁)
    ...at(m1, i),
    ...at(m, i),
    ...load,
    ...op.get(B1),
    ...mul,
    ...op.get(G),
    ...op.get(K1),
    ...mul,
    ...add,
    ...op.tee(M),
    ...store,
    // v1 = v·β₂ + (g·g)·(1−β₂)
    ...at(v1, i),
    ...at(v, i),
    ...load,
    ...op.get(B2),
    ...mul,
    ...op.get(G),
    ...op.get(G),
    ...mul,
    ...op.get(K2),
    ...mul,
    ...add,
    ...op.tee(V),
    ...store,
    // w1 = (m1/c1) / (√(v1/c2) + ε) · (−lr) + w
    ...at(w1, i),
    ...op.get(M),
    ...op.get(C1),
    ...div,
    ...op.get(V),
    ...op.get(C2),
    ...div,
    ...sqrt,
    ...op.get(EPS),
    ...add,
    ...div,
    ...op.get(NLR),
    ...mul,
    ...at(w, i),
    ...load,
    ...add,
    ...store,
  ];
  return {
    name: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32],
    locals: [I32, I32, ...Array<number>(11).fill(V128)],
    body: [...splats, ...forEachQuad(n, i, end, step)],
  };
}

/**
 * momentum(w, a, g, w1, a1, n, μ, −lr, nesterov), as tf.MomentumOptimizer:
 * a1 = μ·a + g; w1 = (−lr)·a1 + w, or with Nesterov w1 = (−lr)·(g + a1·μ) + w.
 */
function momentumFunction(): FunctionSpec {
  const [w, a, g, w1, a1, n, mu, nlr, nesterov] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [i, end] = [9, 10];
  const [MU, NLR, G, A] = [11, 12, 13, 14];
  const update = (withNesterov: boolean): number[] => [
    ...at(g, i),
    ...load,
    ...op.set(G),
    ...at(a1, i),
    ...op.get(MU),
    ...at(a, i),
    ...load,
    ...mul,
    ...op.get(G),
    ...add,
    ...op.tee(A),
    ...store,
    ...at(w1, i),
    ...op.get(NLR),
    ...(withNesterov ? [...op.get(G), ...op.get(A), ...op.get(MU), ...mul, ...add] : op.get(A)),
    ...mul,
    ...at(w, i),
    ...load,
    ...add,
    ...store,
  ];
  return {
    name: 'momentum',
    params: [I32, I32, I32, I32, I32, I32, F32, F32, I32],
    locals: [I32, I32, V128, V128, V128, V128],
    body: [
      ...op.get(mu),
      ...splat,
      ...op.set(MU),
      ...op.get(nlr),
      ...splat,
      ...op.set(NLR),
      // if (nesterov) { the Nesterov loop } else { the plain loop }
      ...op.get(nesterov),
      ...op.if,
      ...forEachQuad(n, i, end, update(true)),
      ...op.else,
      ...forEachQuad(n, i, end, update(false)),
      ...op.end,
    ],
  };
}

/** The module's bytes; `shared` when the backend's memory is a SharedArrayBuffer (threaded build). */
function moduleBytes(shared: boolean): Uint8Array {
  const functions = [adamFunction(), momentumFunction(), im2colFunction(), col2imFunction()];
  const types = vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0]));
  // (import "env" "memory" (memory 1 [65536 shared])): the limits any backend memory satisfies.
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vector([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const declarations = vector(functions.map((_, index) => uleb(index)));
  const exports = vector(functions.map((f, index) => [...name(f.name), 0x00, ...uleb(index)]));
  const code = vector(
    functions.map((f) => {
      const locals = vector(f.locals.map((t) => [1, t]));
      const body = [...locals, ...f.body, ...op.end];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(2, imports),
    ...section(3, declarations),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

export interface SimdKernels {
  adam(...args: number[]): void;
  momentum(...args: number[]): void;
  im2colT(...args: number[]): void;
  col2im(...args: number[]): void;
}

interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: SimdKernels };
}
// Node has WebAssembly as a global; its types come with the DOM library, which the engine does not load.
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let enabled = true;

/**
 * Turns the SIMD kernels off (their callers fall back to their JavaScript loops) or on again: the
 * benchmark times both in one process, and the tests check both paths.
 */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}

const instances = new WeakMap<object, SimdKernels | null>();

/** The memory of a wasm backend: exported by the single-threaded build, created by the glue of the threaded one. */
function backendMemory(backend: BackendWasm): WasmMemory | undefined {
  const module = backend.wasm as unknown as { wasmMemory?: unknown; asm?: { memory?: unknown } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

/**
 * The SIMD kernels bound to this backend's memory, or null where they cannot run (no memory
 * found, or a WebAssembly without SIMD): callers then keep their JavaScript loop.
 */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  if (!enabled) return null;
  const memory = backendMemory(backend);
  if (!memory) return null;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new wasmApi.Module(moduleBytes(shared));
      kernels = new wasmApi.Instance(module, { env: { memory } }).exports;
    } catch {
      kernels = null;
    }
    instances.set(memory, kernels);
  }
  return kernels;
}

/** The byte offset of a tensor's data in the backend's memory. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  return (backend.dataIdMap.get(dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

// Multi-threaded wasm in Node. tfjs-backend-wasm 4.22 ships a threaded SIMD build but never picks
// it in Node, and forcing it fails: its Emscripten glue starts each pthread worker from a `blob:`
// URL, which Node's worker_threads refuse (ERR_WORKER_PATH). This module loads that build itself:
// the worker script and the glue it imports are written to real files while the pool starts, and
// the glue is told where they are. A second obstacle: the glue's C++ side caps its thread pool at half the logical
// cores (it assumes two hyper-threads per core), so on a 2-core machine it would run one thread;
// the core count it is told is therefore twice the threads wanted.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { wasmThreadDecision } from './threadPolicy';

interface ThreadedModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { terminateAllThreads(): void; runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

interface WasmImports {
  env: Record<string, unknown>;
  [module: string]: unknown;
}

// Node has WebAssembly as a global, but its types come with the DOM library, which the engine does
// not load: the little used here is declared locally.
interface WasmInstance {
  readonly exports: object;
}
type WasmModule = object;
interface WasmGlobal {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: WasmInstance; module: WasmModule }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

interface FactoryConfig {
  locateFile(file: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: WasmImports, receive: (instance: WasmInstance, module: WasmModule) => void): object;
}

type ThreadedFactory = ((config: FactoryConfig) => Promise<ThreadedModule>) & { toString(): string };

const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';
/** Matches the priority tfjs-backend-wasm registers itself with. */
const WASM_PRIORITY = 2;

/** Threads wanted: KD_WASM_THREADS when set (1 turns threading off), else the thread policy's choice. */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  return wasmThreadDecision(env).threads;
}

/**
 * The worker script and the glue it imports, as real files in a fresh private folder (mkdtemp makes
 * it readable by this user only, so no one else can swap the code the workers run). The workers
 * read them only while the pool starts; the caller removes the folder afterwards.
 */
function scriptFiles(factory: ThreadedFactory): { dir: string; worker: string; glue: string } {
  // Loaded here, not at module load: only threaded start-up needs them.
  const { wasmWorkerContents } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when threads are wanted
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-wasm-threads-'));
  const worker = path.join(dir, 'worker.cjs');
  const glue = path.join(dir, 'glue.cjs');
  // The package turns "\n" escapes into newlines when it inlines the worker; undo that, as it does before making its blob.
  fs.writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n'));
  fs.writeFileSync(glue, `var WasmBackendModuleThreadedSimd = ${factory.toString()};\n`);
  return { dir, worker, glue };
}

/** How long the threaded build may take to start its workers before it counts as failed. */
const START_TIMEOUT_MS = 30_000;

async function loadThreaded(wasmDir: string, threads: number): Promise<wasmBackend.BackendWasm> {
  const factory =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when threads are wanted
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js') as ThreadedFactory;
  const binary = fs.readFileSync(path.join(wasmDir, BINARY));
  const files = scriptFiles(factory);
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const timer = setTimeout(
    () => fail(new Error(`the threaded wasm build did not start within ${START_TIMEOUT_MS / 1000} s`)),
    START_TIMEOUT_MS,
  );
  const ready = factory({
    locateFile: (file, prefix) =>
      file.endsWith('.worker.js') ? files.worker : file.endsWith('.wasm') ? path.join(wasmDir, BINARY) : prefix + file,
    mainScriptUrlOrBlob: files.glue,
    instantiateWasm(imports, receive) {
      const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      wasmApi.instantiate(binary, { ...imports, env }).then((result) => receive(result.instance, result.module), fail);
      return {};
    },
  });
  let module: ThreadedModule;
  try {
    module = await Promise.race([ready, failed]);
  } finally {
    clearTimeout(timer);
    // Every worker of the pool has imported the glue once the module is ready.
    fs.rmSync(files.dir, { recursive: true, force: true });
  }
  // The bridge tfjs-backend-wasm's own init() builds.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmBackend.setThreadsCount(threads);
  const backend = new wasmBackend.BackendWasm(
    module as unknown as ConstructorParameters<typeof wasmBackend.BackendWasm>[0],
  );
  // The pool's threads live as long as the backend and would keep Node from ever exiting.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}

/**
 * Starts the threaded wasm build with `threads` threads and makes it the `wasm` backend that the
 * next `tf.setBackend('wasm')` activates. Throws, leaving the shipped single-threaded factory in
 * place, when the build cannot start here. Returns the threads its pool really has.
 */
export async function startThreadedWasm(wasmDir: string, threads: number): Promise<number> {
  const started = await loadThreaded(wasmDir, threads);
  let first: wasmBackend.BackendWasm | undefined = started;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      // The engine may ask again after disposing a backend: then start a fresh one.
      const backend = first ?? loadThreaded(wasmDir, threads);
      first = undefined;
      return backend;
    },
    WASM_PRIORITY,
  );
  return wasmBackend.getThreadsCount();
}

/** Threads the active wasm backend runs (1 for the single-threaded build). */
export function wasmThreadsInUse(): number {
  return wasmBackend.getThreadsCount();
}

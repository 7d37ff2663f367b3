import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'module';
import * as path from 'path';
import { BACKEND_NAMES, type BackendName } from '../../protocol/runner';
import { registerWasmKernels } from './wasmKernels';
import { startThreadedWasm, wasmThreadsInUse } from './wasmThreads';
import { wasmThreadDecision, type ThreadDecision } from './threadPolicy';

export interface BackendChoice {
  /** The TF.js backend that is active, e.g. "wasm" or "tensorflow". */
  backend: string;
  /** Why each earlier candidate was skipped (and why wasm runs single-threaded, when it does). */
  notes: string[];
  /** Threads of the wasm backend's pool; absent for other backends. */
  threads?: number;
  /** Why that many: KD_WASM_THREADS, or the cores, load and concurrent runners the policy saw. */
  threadsReason?: string;
}

const NATIVE_MODULES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Directory holding the tfjs-backend-wasm binaries: next to the bundle in dist/, or in node_modules when run from source. */
function wasmDir(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read lazily, only to find the binaries
  const fs = require('fs') as typeof import('fs');
  const besideBundle = path.join(__dirname, 'tfjs-backend-wasm-simd.wasm');
  if (fs.existsSync(besideBundle)) return __dirname + path.sep;
  return (
    path.dirname(runtimeRequire().resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + path.sep
  );
}

/**
 * A require the bundler leaves alone: it resolves at run time from where the code runs (next to the
 * bundle, or in the source tree), for optional packages and files that are never bundled.
 */
function runtimeRequire(): NodeRequire {
  return createRequire(__filename);
}

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<string[]> {
  // Loaded by name at run time: the native packages are optional and never bundled.
  runtimeRequire()(NATIVE_MODULES[name]);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
  return [];
}

/** The thread policy's decision when this process started the wasm pool (it starts once per process). */
let poolDecision: ThreadDecision | undefined;

/**
 * The threaded build when more than one thread is wanted (KD_WASM_THREADS, else the thread policy:
 * threadPolicy.ts) and the wasm backend has not started yet; the single-threaded build otherwise.
 */
async function tryWasm(): Promise<string[]> {
  const notes: string[] = [];
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmDir();
  const alreadyStarted = 'wasm' in tf.engine().registry;
  if (!alreadyStarted) {
    wasm.setWasmPaths(dir);
    poolDecision = wasmThreadDecision();
    const threads = poolDecision.threads;
    if (threads > 1) {
      try {
        await startThreadedWasm(dir, threads);
      } catch (error) {
        notes.push(`wasm threads: ${reason(error)}; running single-threaded`);
      }
    }
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" did not initialise');
  // Gradient kernels wasm lacks (convolution filters, depthwise) and a fast path for transposed products.
  registerWasmKernels();
  return notes;
}

async function tryCpu(): Promise<string[]> {
  if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" did not initialise');
  return [];
}

const ATTEMPTS: Record<Exclude<BackendName, 'auto'>, () => Promise<string[]>> = {
  'tensorflow-gpu': () => tryNative('tensorflow-gpu'),
  tensorflow: () => tryNative('tensorflow'),
  wasm: tryWasm,
  cpu: tryCpu,
};

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find module/.test(message)) return 'not installed';
  return message.split('\n')[0];
}

/**
 * Activates a backend. `auto` tries the native GPU and CPU bindings, then wasm, then the pure-JS cpu
 * backend, and reports why each skipped one did not load; an explicit choice that fails is an error.
 */
export async function selectBackend(name: BackendName): Promise<BackendChoice> {
  // Production mode: no console banners from TF.js in the middle of our progress output.
  tf.enableProdMode();
  const notes: string[] = [];
  const order: Exclude<BackendName, 'auto'>[] =
    name === 'auto' ? BACKEND_NAMES.filter((n): n is Exclude<BackendName, 'auto'> => n !== 'auto') : [name];
  for (const candidate of order) {
    try {
      notes.push(...(await ATTEMPTS[candidate]()));
      await tf.ready();
      const backend = tf.getBackend();
      if (backend !== 'wasm') return { backend, notes };
      const threads = wasmThreadsInUse();
      const why = poolDecision ? poolDecision.reason : 'the pool this process started earlier';
      return {
        backend,
        notes,
        threads,
        threadsReason: poolDecision?.threads === threads ? why : `${why}; started ${threads}`,
      };
    } catch (error) {
      const why = reason(error);
      if (name !== 'auto') {
        const hint =
          candidate in NATIVE_MODULES
            ? ` (install ${NATIVE_MODULES[candidate as keyof typeof NATIVE_MODULES]} where the runner's Node can load it)`
            : '';
        throw new Error(`backend "${candidate}" cannot be used: ${why}${hint}`, { cause: error });
      }
      notes.push(`${candidate}: ${why}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${notes.join('; ')}`);
}

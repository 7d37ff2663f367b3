import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import type { BackendName } from '../config/types';

export interface BackendChoice {
  /** The TF.js backend that is active, e.g. "wasm" or "tensorflow". */
  backend: string;
  /** Why each earlier candidate was skipped. */
  notes: string[];
}

const NATIVE_MODULES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Directory holding the tfjs-backend-wasm binaries: next to the bundle in dist/, or in node_modules when run from source. */
function wasmDir(): string {
  const fs = require('fs') as typeof import('fs');
  const besideBundle = path.join(__dirname, 'tfjs-backend-wasm-simd.wasm');
  if (fs.existsSync(besideBundle)) return __dirname + path.sep;
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + path.sep;
}

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<void> {
  // Loaded by name at run time: the native packages are optional and never bundled.
  const load = eval('require') as NodeRequire;
  load(NATIVE_MODULES[name]);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
}

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDir());
  if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" did not initialise');
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" did not initialise');
}

const ATTEMPTS: Record<Exclude<BackendName, 'auto'>, () => Promise<void>> = {
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
  const order: Exclude<BackendName, 'auto'>[] = name === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [name];
  for (const candidate of order) {
    try {
      await ATTEMPTS[candidate]();
      await tf.ready();
      return { backend: tf.getBackend(), notes };
    } catch (error) {
      const why = reason(error);
      if (name !== 'auto') {
        const hint = candidate in NATIVE_MODULES ? ` (install ${NATIVE_MODULES[candidate as keyof typeof NATIVE_MODULES]} where the runner's Node can load it)` : '';
        throw new Error(`backend "${candidate}" cannot be used: ${why}${hint}`);
      }
      notes.push(`${candidate}: ${why}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${notes.join('; ')}`);
}

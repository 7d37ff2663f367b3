// Backend choice: what auto skips and why, a clear error for an explicit backend that cannot load,
// and the wasm thread count.
import * as assert from 'assert';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { wantedWasmThreads } from '../../../src/engine/backend/wasmThreads';

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', function () {
  let previous: string;
  before(() => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('auto notes each native backend it skips and lands on wasm here', async function () {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) this.skip();
    const choice = await selectBackend('auto');
    assert.strictEqual(choice.backend, 'wasm');
    assert.ok(
      choice.notes.some((n) => n.startsWith('tensorflow-gpu: not installed')),
      choice.notes.join('; '),
    );
    assert.ok(
      choice.notes.some((n) => n.startsWith('tensorflow: not installed')),
      choice.notes.join('; '),
    );
    assert.strictEqual(tf.getBackend(), 'wasm');
  });

  it('rejects an explicit backend that is not installed, naming the package to install', async function () {
    if (installed('@tensorflow/tfjs-node')) this.skip();
    await assert.rejects(selectBackend('tensorflow'), (error: Error) => {
      assert.match(error.message, /backend "tensorflow" cannot be used: not installed/);
      assert.match(error.message, /@tensorflow\/tfjs-node/);
      return true;
    });
  });

  it('reports the threads of the wasm pool, as many as wanted', async () => {
    const choice = await selectBackend('wasm');
    assert.strictEqual(choice.backend, 'wasm');
    // The pool started with the first wasm selection in this process: KD_WASM_THREADS, or the policy's choice then.
    if (process.env.KD_WASM_THREADS) assert.strictEqual(choice.threads, Number(process.env.KD_WASM_THREADS));
    assert.ok(choice.threads !== undefined && choice.threads >= 1);
    assert.match(
      choice.threadsReason ?? '',
      /KD_WASM_THREADS=\d|\d+ cores, load [\d.]+|pool this process started earlier/,
    );
  });

  it('reports no thread count for the cpu backend', async () => {
    const choice = await selectBackend('cpu');
    assert.deepStrictEqual(choice, { backend: 'cpu', notes: [] });
  });
});

describe('wantedWasmThreads', () => {
  it('reads KD_WASM_THREADS and rejects nonsense', () => {
    assert.strictEqual(wantedWasmThreads({ KD_WASM_THREADS: '3' }), 3);
    assert.strictEqual(wantedWasmThreads({ KD_WASM_THREADS: '1' }), 1);
    assert.throws(() => wantedWasmThreads({ KD_WASM_THREADS: '0' }), /positive integer/);
    assert.throws(() => wantedWasmThreads({ KD_WASM_THREADS: 'two' }), /positive integer/);
  });

  it('otherwise follows the thread policy, within the cores Node may use', () => {
    const n = wantedWasmThreads({});
    assert.ok(n >= 1 && n <= os.availableParallelism(), String(n));
  });
});

// The wasm thread policy: an explicit KD_WASM_THREADS wins; otherwise the runner's share of the
// cores, cut to the cores other work leaves idle, never below one thread.
import * as assert from 'assert';
import { chooseWasmThreads } from '../../../src/engine/backend/threadPolicy';

const pick = (env: NodeJS.ProcessEnv, cores: number, load: number) => chooseWasmThreads({ env, cores, load });

describe('wasm thread policy', () => {
  it('takes KD_WASM_THREADS as given, whatever the load, and says so', () => {
    assert.deepStrictEqual(pick({ KD_WASM_THREADS: '3' }, 2, 7.5), { threads: 3, reason: 'KD_WASM_THREADS=3' });
    assert.strictEqual(pick({ KD_WASM_THREADS: '1', KD_CONCURRENT_RUNNERS: '4' }, 16, 0).threads, 1);
  });

  it('rejects nonsense in either variable, naming it', () => {
    assert.throws(() => pick({ KD_WASM_THREADS: '0' }, 2, 0), /KD_WASM_THREADS must be a positive integer, got "0"/);
    assert.throws(() => pick({ KD_WASM_THREADS: 'two' }, 2, 0), /KD_WASM_THREADS/);
    assert.throws(() => pick({ KD_CONCURRENT_RUNNERS: '-1' }, 2, 0), /KD_CONCURRENT_RUNNERS/);
  });

  it('uses every core of an idle machine', () => {
    assert.strictEqual(pick({}, 2, 0).threads, 2);
    assert.strictEqual(pick({}, 8, 0.3).threads, 8);
    assert.match(pick({}, 2, 0).reason, /2 cores, load 0: 2 threads/);
  });

  it('drops to the cores other work leaves idle: one thread when a core of two is busy', () => {
    assert.strictEqual(pick({}, 2, 1).threads, 1);
    assert.strictEqual(pick({}, 2, 0.4).threads, 2);
    assert.strictEqual(pick({}, 8, 5).threads, 3);
    // An overloaded machine still gets one thread.
    assert.strictEqual(pick({}, 2, 19.2).threads, 1);
  });

  it("splits the cores among a sweep's runners, not counting their own load against them", () => {
    // 4 runners on 8 cores: 2 each; three siblings busy with 2 cores each explain a load of 6.
    assert.strictEqual(pick({ KD_CONCURRENT_RUNNERS: '4' }, 8, 0).threads, 2);
    assert.strictEqual(pick({ KD_CONCURRENT_RUNNERS: '4' }, 8, 6).threads, 2);
    // Two more cores busy with other work: 6 idle cores for 4 runners.
    assert.strictEqual(pick({ KD_CONCURRENT_RUNNERS: '4' }, 8, 8).threads, 2);
    assert.strictEqual(pick({ KD_CONCURRENT_RUNNERS: '4' }, 8, 10).threads, 1);
    // More runners than cores: one each.
    assert.strictEqual(pick({ KD_CONCURRENT_RUNNERS: '3' }, 2, 0).threads, 1);
    assert.match(pick({ KD_CONCURRENT_RUNNERS: '4' }, 8, 0).reason, /4 runners together/);
  });

  it('treats a missing or broken load reading as an idle machine', () => {
    assert.strictEqual(pick({}, 4, Number.NaN).threads, 4);
    assert.strictEqual(pick({ KD_WASM_THREADS: '' }, 4, -1).threads, 4);
  });
});

// The editor's validator runs on a worker thread: hostile files get problems, a worker that does
// not answer in time is replaced, and the calling thread keeps running meanwhile.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { Worker } from 'worker_threads';
import { ValidatorService } from '../../../src/extension/validation/validatorService';
import { tempDir } from '../config/helpers';

const WORKER = path.resolve(__dirname, '../../../src/extension/validation/validatorWorker.ts');
const startWorker = () =>
  new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(WORKER)});`, {
    eval: true,
  });

describe('inputs: the validator service off the host thread', function () {
  this.timeout(60000);
  let service: ValidatorService;
  afterEach(() => service?.dispose());

  it('answers /dev/zero, a FIFO, a folder and a 50 MB file with problems while the caller keeps running', async () => {
    service = new ValidatorService({ startWorker, timeoutMs: 30000 });
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'pipe.kd.json')]);
    fs.mkdirSync(path.join(dir, 'folder.kd.json'));
    const file = path.join(dir, 'x.kd.json');
    // The caller's thread ticks while the worker works: count the ticks.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const answers = await Promise.all([
        service.validate(file, '{ "extends": "/dev/zero" }'),
        service.validate(file, '{ "extends": "./pipe.kd.json" }'),
        service.validate(file, '{ "extends": "./folder.kd.json" }'),
        service.validate(file, `{"pad":"${'a'.repeat(50 * 1024 * 1024)}"}`),
      ]);
      const messages = answers.map((problems) => problems.map((p) => p.message).join(' | '));
      assert.match(messages[0], /\/dev\/zero: expected a regular file, found a device/);
      assert.match(messages[1], /pipe\.kd\.json: expected a regular file, found a FIFO/);
      assert.match(messages[2], /folder\.kd\.json: expected a regular file, found a folder/);
      assert.match(messages[3], /too large to be an experiment/);
      assert.ok(ticks > 0, 'the calling thread was blocked');
    } finally {
      clearInterval(ticker);
    }
  });

  it('gives up with a clear problem when the worker does not answer in time, and starts a fresh worker next', async () => {
    let started = 0;
    const silent = () => {
      started++;
      // A worker that never answers, as if stuck on a read.
      return new Worker('setInterval(() => {}, 1000);', { eval: true });
    };
    service = new ValidatorService({ startWorker: silent, timeoutMs: 300 });
    const [stuck] = await service.validate('/tmp/a.kd.json', '{}');
    assert.match(stuck.message, /validation gave up after 0\.3 s/);
    await service.validate('/tmp/b.kd.json', '{}');
    assert.strictEqual(started, 2);
  });
});

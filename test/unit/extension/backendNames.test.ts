import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BACKEND_NAMES } from '../../../src/protocol/runner';

// The backend names are declared once in the runner contract; the manifest's setting and the
// schema's `backend` (JSON the editor reads without running our code) must list the same ones.
describe('backend names', () => {
  const root = path.resolve(__dirname, '../../..');
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

  it('the setting distillationStudio.backend offers exactly the contract’s backends', () => {
    const manifest = read('package.json') as {
      contributes: { configuration: { properties: Record<string, { enum?: string[] }> } };
    };
    assert.deepEqual(manifest.contributes.configuration.properties['distillationStudio.backend']?.enum, [
      ...BACKEND_NAMES,
    ]);
  });

  it('the schema’s backend lists exactly the contract’s backends', () => {
    const schema = read('schemas/kd.schema.json') as {
      definitions: { experiment: { properties: { backend: { enum?: string[] } } } };
    };
    assert.deepEqual(schema.definitions.experiment.properties.backend.enum, [...BACKEND_NAMES]);
  });
});

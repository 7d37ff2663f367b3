import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { DEFAULTS, kdSchema } from '../../../src/engine/config';
import type { JsonObject, JsonValue } from '../../../src/engine/config/json';
import { valueAt } from '../../../src/engine/config/json';
import { ROOT } from './helpers';
import { LOSS_DEFINITIONS, LOSS_TYPES } from '../../../src/engine/losses/registry';
import { generateSchema, schemaText } from '../../../src/engine/losses/schema';

const definitions = kdSchema.definitions as JsonObject;

/** The default a definition states for a field: in its shared properties, or in one variant's branch. */
function fieldDefault(definition: string, variant: string | null, field: string): JsonValue | undefined {
  const def = definitions[definition] as JsonObject;
  if (variant === null) return valueAt(def, ['properties', field, 'default']);
  const branch = (def.allOf as JsonObject[]).find((b) => valueAt(b, ['if', 'properties', 'type', 'const']) === variant);
  return valueAt(branch, ['then', 'properties', field, 'default']);
}

describe('config: the JSON Schema', () => {
  it('is the file shipped in schemas/ and compiles as strict draft-07', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'kd.schema.json'), 'utf8')) as JsonObject;
    assert.deepStrictEqual(shipped, kdSchema);
    assert.strictEqual(shipped.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      keywords: ['markdownDescription', 'markdownEnumDescriptions', 'defaultSnippets'],
    });
    assert.doesNotThrow(() => ajv.compile(shipped));
  });

  it('is what `npm run schema` generates from the loss definitions and the runner contract', () => {
    const text = fs.readFileSync(path.join(ROOT, 'schemas', 'kd.schema.json'), 'utf8');
    assert.ok(
      text === schemaText(generateSchema(JSON.parse(text) as JsonObject)),
      'schemas/kd.schema.json is out of date with src/engine/losses/*.ts: run `npm run schema` and commit the result',
    );
  });

  it('states the same defaults the loader applies', () => {
    const expected: [string, string | null, string, unknown][] = [
      ['experiment', null, 'seed', DEFAULTS.seed],
      ['experiment', null, 'backend', DEFAULTS.backend],
      ['experiment', null, 'baseline', DEFAULTS.baseline],
      ['data', null, 'validationSplit', DEFAULTS.data.validationSplit],
      ['data', null, 'normalize', DEFAULTS.data.normalize],
      ['train', null, 'epochs', DEFAULTS.train.epochs],
      ['train', null, 'batchSize', DEFAULTS.train.batchSize],
      ['optimizer', null, 'type', 'adam'],
      ['optimizer', null, 'lr', DEFAULTS.optimizer.adam.lr],
      ['optimizer', null, 'weightDecay', DEFAULTS.optimizer.adam.weightDecay],
      ['optimizer', 'adam', 'beta1', DEFAULTS.optimizer.adam.beta1],
      ['optimizer', 'adam', 'beta2', DEFAULTS.optimizer.adam.beta2],
      ['optimizer', 'adam', 'epsilon', DEFAULTS.optimizer.adam.epsilon],
      ['optimizer', 'momentum', 'momentum', DEFAULTS.optimizer.momentum.momentum],
      ['optimizer', 'momentum', 'nesterov', DEFAULTS.optimizer.momentum.nesterov],
      ['schedule', null, 'type', 'constant'],
      ['schedule', 'step', 'gamma', DEFAULTS.schedule.step.gamma],
      ['schedule', 'cosine', 'minLr', DEFAULTS.schedule.cosine.minLr],
      ['distill', null, 'scheme', DEFAULTS.distill.scheme],
      ['distill', null, 'cacheTeacher', DEFAULTS.distill.cacheTeacher],
      ['distill', null, 'losses', DEFAULTS.distill.losses],
    ];
    for (const loss of LOSS_DEFINITIONS)
      for (const [field, value] of Object.entries(loss.defaults)) expected.push(['loss', loss.type, field, value]);
    for (const [definition, variant, field, value] of expected)
      assert.deepStrictEqual(
        fieldDefault(definition, variant, field),
        value,
        `${definition} ${variant ?? ''} ${field}`,
      );
    // The loader's defaults for each optimizer type are the schema's too (lr differs by type and says so).
    assert.match(
      String(valueAt(kdSchema, ['definitions', 'optimizer', 'properties', 'lr', 'description'])),
      /0\.01 for SGD and momentum/,
    );
    assert.strictEqual(DEFAULTS.optimizer.sgd.lr, 0.01);
    assert.strictEqual(DEFAULTS.optimizer.momentum.lr, 0.01);
  });

  it('knows every loss type, each with a branch of its own fields', () => {
    const loss = definitions.loss as JsonObject;
    const types = valueAt(loss, ['properties', 'type', 'enum']) as string[];
    assert.deepStrictEqual(types, LOSS_TYPES);
    const branches = (loss.allOf as JsonObject[]).map((b) => valueAt(b, ['if', 'properties', 'type', 'const']));
    assert.deepStrictEqual(branches, types);
    assert.deepStrictEqual(loss.required, ['type', 'weight']);
    for (const branch of loss.allOf as JsonObject[]) {
      const fields = Object.keys(valueAt(branch, ['then', 'properties']) as JsonObject);
      const type = String(valueAt(branch, ['if', 'properties', 'type', 'const']));
      for (const field of Object.keys(DEFAULTS.losses[type] ?? {}))
        assert.ok(fields.includes(field), `${type} lacks ${field}`);
    }
  });

  it('documents every property for hovers and completion', () => {
    const undocumented: string[] = [];
    const visit = (node: JsonValue, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      if (typeof node.properties === 'object' && node.properties !== null && !Array.isArray(node.properties)) {
        for (const [key, schema] of Object.entries(node.properties)) {
          // `then` branches list names only (`true`); the base schema documents them.
          if (schema === true) continue;
          const documented =
            typeof schema === 'object' &&
            schema !== null &&
            !Array.isArray(schema) &&
            (typeof schema.markdownDescription === 'string' || typeof schema.$ref === 'string');
          const isConst = typeof schema === 'object' && schema !== null && !Array.isArray(schema) && 'const' in schema;
          if (!documented && !isConst) undocumented.push(`${at}/properties/${key}`);
        }
      }
      for (const [key, value] of Object.entries(node)) visit(value, `${at}/${key}`);
    };
    visit(kdSchema, '#');
    assert.deepStrictEqual(undocumented, []);
  });
});

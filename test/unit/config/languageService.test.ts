// The schema as VS Code's own JSON language service uses it (completion, hover, diagnostics),
// with the same association the extension declares (`jsonValidation` for *.kd.json).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { getLanguageService, TextDocument, type JSONSchema, type LanguageService } from 'vscode-json-languageservice';
import { kdSchema } from '../../../src/engine/config';
import { experimentFiles, ROOT, VALID } from './helpers';
import { LOSS_DEFINITIONS } from '../../../src/engine/losses/registry';

const SCHEMA_URI = pathToFileURL(path.join(ROOT, 'schemas', 'kd.schema.json')).toString();

function service(): LanguageService {
  const ls = getLanguageService({
    // Files named by `$schema` (relative to the document) are read from disk, as the editor does.
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
    schemaRequestService: (uri) => Promise.resolve(fs.readFileSync(fileURLToPath(uri), 'utf8')),
  });
  ls.configure({
    validate: true,
    allowComments: true,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['*.kd.json'], schema: structuredClone(kdSchema) as JSONSchema }],
  });
  return ls;
}

function document(text: string, file = path.join(ROOT, 'untitled.kd.json')): TextDocument {
  return TextDocument.create(pathToFileURL(file).toString(), 'jsonc', 1, text);
}

async function diagnostics(ls: LanguageService, doc: TextDocument): Promise<{ line: number; message: string }[]> {
  const found = await ls.doValidation(doc, ls.parseJSONDocument(doc), { comments: 'ignore', trailingCommas: 'ignore' });
  return found.map((d) => ({
    line: d.range.start.line + 1,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
}

async function completionLabels(ls: LanguageService, text: string, marker: string): Promise<string[]> {
  const doc = document(text.replace(marker, ''));
  const list = await ls.doComplete(doc, doc.positionAt(text.indexOf(marker)), ls.parseJSONDocument(doc));
  return (list?.items ?? []).map((i) => i.label);
}

describe("config: the schema in VS Code's JSON language service", () => {
  const ls = service();

  it('finds nothing wrong in the valid fixtures and the examples', async () => {
    for (const file of [...experimentFiles(VALID), ...experimentFiles(path.join(ROOT, 'examples'))]) {
      assert.deepStrictEqual(await diagnostics(ls, document(fs.readFileSync(file, 'utf8'), file)), [], file);
    }
  });

  it('gives one diagnostic for an unknown loss type, on its line', async () => {
    const text =
      '{\n  "distill": {\n    "losses": [\n      { "type": "kld", "weight": 1, "temperature": 4 }\n    ]\n  }\n}';
    const found = await diagnostics(ls, document(text));
    assert.strictEqual(found.length, 1, JSON.stringify(found));
    assert.strictEqual(found[0].line, 4);
    assert.match(found[0].message, /"ce", "kd", "dkd"/);
  });

  it('gives one diagnostic for a missing weight', async () => {
    const found = await diagnostics(ls, document('{ "distill": { "losses": [{ "type": "kd", "temperature": 4 }] } }'));
    assert.deepStrictEqual(found, [{ line: 1, message: 'Missing property "weight".' }]);
  });

  it('flags a negative temperature and a typo', async () => {
    const found = await diagnostics(
      ls,
      document('{ "distill": { "losses": [{ "type": "kd", "weight": 1, "temperature": -2 }] },\n  "seeed": 1 }'),
    );
    assert.strictEqual(found.length, 2, JSON.stringify(found));
    assert.deepStrictEqual(found.map((f) => f.line).sort(), [1, 2]);
  });

  it('completes the fields of the loss at hand, not those of other losses', async () => {
    const kd = await completionLabels(ls, '{ "distill": { "losses": [{ "type": "kd", "weight": 1, | }] } }', '|');
    assert.deepStrictEqual(kd.sort(), ['scaleByTemperatureSquared', 'temperature']);
    const hint = await completionLabels(ls, '{ "distill": { "losses": [{ "type": "hint", | }] } }', '|');
    assert.deepStrictEqual(hint.sort(), ['studentLayer', 'teacherLayer', 'weight']);
  });

  it('completes every loss type, and whole loss terms as snippets', async () => {
    const types = await completionLabels(ls, '{ "distill": { "losses": [{ "type": | }] } }', '|');
    assert.deepStrictEqual(
      types,
      LOSS_DEFINITIONS.map((d) => `"${d.type}"`),
    );
    const snippets = await completionLabels(ls, '{ "distill": { "losses": [ | ] } }', '|');
    for (const definition of LOSS_DEFINITIONS)
      if (definition.snippet) assert.ok(snippets.includes(definition.snippet.label), snippets.join(', '));
    assert.ok(snippets.includes('kd (Hinton)'), snippets.join(', '));
  });

  it('accepts the example term of every loss definition without a diagnostic', async () => {
    const losses = LOSS_DEFINITIONS.map((d) => ({ type: d.type, ...d.example }));
    const text = JSON.stringify({ distill: { losses } }, null, 2);
    assert.deepStrictEqual(await diagnostics(ls, document(text)), []);
  });

  it('completes the top-level keys of an experiment file', async () => {
    const keys = await completionLabels(ls, '{ | }', '|');
    for (const key of [
      'name',
      'extends',
      'seed',
      'backend',
      'data',
      'teacher',
      'student',
      'distill',
      'train',
      'baseline',
      'cells',
    ])
      assert.ok(keys.includes(key), key);
  });

  it('documents a field on hover', async () => {
    const text = '{ "distill": { "losses": [{ "type": "kd", "weight": 1, "temperature": 4 }] } }';
    const doc = document(text);
    const hover = await ls.doHover(doc, doc.positionAt(text.indexOf('temperature') + 3), ls.parseJSONDocument(doc));
    assert.match(JSON.stringify(hover?.contents), /Softmax temperature/);
  });
});

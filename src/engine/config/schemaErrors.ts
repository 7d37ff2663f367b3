// Turns ajv's errors into one plain message per mistake, saying what was expected: the noise of
// `if`/`then` and `anyOf` is folded away, and a variant's own branch speaks for its fields.
import type { ErrorObject } from 'ajv';
import { describeValue, isObject, pointerToPath, valueAt, type JsonObject, type JsonValue, type Segment } from './json';
import { kdSchema } from './schemaDocument';
import { suggestion } from './suggest';

/** Keys that name the kind of a model; at most one may appear. */
export const MODEL_KINDS = ['layers', 'preset', 'load', 'fromCell'] as const;

/** A schema violation at a path of the validated value. */
export interface Issue {
  path: Segment[];
  message: string;
}

type SchemaNode = JsonObject;

/** The variant a `then` branch describes: its base schema and the discriminating key and value. */
interface Branch {
  base: SchemaNode;
  key: string;
  value: JsonValue | undefined;
}
let branches: WeakMap<object, Branch> | undefined;

function branchOf(schema: unknown): Branch | undefined {
  if (!branches) {
    branches = new WeakMap();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!isObject(node)) return;
      const allOf = node.allOf;
      if (Array.isArray(allOf)) {
        for (const item of allOf) {
          if (!isObject(item) || !isObject(item.then) || !isObject(item.if)) continue;
          const required = Array.isArray(item.if.required) ? item.if.required : [];
          const key = typeof required[0] === 'string' ? required[0] : '';
          const condition = isObject(item.if.properties) ? item.if.properties[key] : undefined;
          branches?.set(item.then, { base: node, key, value: isObject(condition) ? condition.const : undefined });
        }
      }
      Object.values(node).forEach(visit);
    };
    visit(kdSchema);
  }
  return isObject(schema) ? branches.get(schema) : undefined;
}

function branchCondition(branch: Branch): string {
  return branch.value === undefined ? `with "${branch.key}"` : `when ${branch.key} is ${describeValue(branch.value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const PLURAL_TYPE_NAMES: Record<string, string> = {
  integer: 'whole numbers',
  number: 'numbers',
  string: 'strings',
  object: 'objects',
};

function typeNames(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

/** What a schema expects, in words: `a number > 0`, `one of "sgd", "adam"`. */
function describeSchema(schema: unknown): string {
  if (!isObject(schema)) return 'a value';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => describeValue(v)).join(', ')}`;
  let text = schema.type !== undefined ? typeNames(schema.type) : 'a value';
  if (schema.type === 'string' && schema.minLength === 1) text = 'a non-empty string';
  const bounds: string[] = [];
  if (typeof schema.minimum === 'number') bounds.push(`≥ ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') bounds.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === 'number') bounds.push(`≤ ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === 'number') bounds.push(`< ${schema.exclusiveMaximum}`);
  if (bounds.length) text += ` ${bounds.join(' and ')}`;
  if (schema.type === 'array') {
    const items =
      isObject(schema.items) && typeof schema.items.type === 'string'
        ? PLURAL_TYPE_NAMES[schema.items.type]
        : undefined;
    const count =
      typeof schema.minItems === 'number' && schema.minItems === schema.maxItems ? `${schema.minItems} ` : '';
    if (items)
      text += ` of ${count}${items}${isObject(schema.items) && typeof schema.items.minimum === 'number' ? ` ≥ ${schema.items.minimum}` : ''}`;
    else if (count) text += ` of ${count}items`;
  }
  return text;
}

/** The full property schemas of an object schema (a `then` branch only lists names, so use its base). */
/** Every field some variant of a discriminated definition allows. */
function knownKeys(base: SchemaNode): Set<string> {
  const keys = new Set(isObject(base.properties) ? Object.keys(base.properties) : []);
  for (const item of Array.isArray(base.allOf) ? base.allOf : []) {
    const fields = valueAt(item, ['then', 'properties']);
    if (isObject(fields)) Object.keys(fields).forEach((k) => keys.add(k));
  }
  return keys;
}

function propertiesOf(schema: unknown): SchemaNode {
  const branch = branchOf(schema);
  const own = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const base = branch && isObject(branch.base.properties) ? branch.base.properties : {};
  const merged: SchemaNode = {};
  for (const [key, value] of Object.entries(own)) merged[key] = isObject(value) ? value : (base[key] ?? true);
  return merged;
}

const ENUM_NOUNS: Record<string, string> = {
  dataset: 'dataset',
  preset: 'preset',
  scheme: 'scheme',
  backend: 'backend',
  activation: 'activation',
  normalize: 'normalization',
  padding: 'padding',
  depth: 'depth',
  shortcut: 'shortcut',
  selfMode: 'self-distillation mode',
  teacherWeighting: 'teacher weighting',
};
const TYPE_NOUNS: Record<string, string> = {
  losses: 'loss',
  layers: 'layer type',
  optimizer: 'optimizer',
  schedule: 'schedule',
};

function enumNoun(path: readonly Segment[]): string | undefined {
  const last = path[path.length - 1];
  if (last === 'type') {
    const container = [...path.slice(0, -1)].reverse().find((s): s is string => typeof s === 'string');
    return container ? TYPE_NOUNS[container] : undefined;
  }
  return typeof last === 'string' ? ENUM_NOUNS[last] : undefined;
}

const COMPARISONS: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

export function issuesOf(errors: readonly ErrorObject[], root: JsonValue): Issue[] {
  // `if` errors only repeat what the branch said; errors under an `anyOf` are summarised by it.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const relevant = errors.filter((e) => e.keyword !== 'if' && !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  const typeErrors = new Set(relevant.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // A property missing or unknown in a variant is reported by the variant's branch, which knows more.
  const pairKey = (e: ErrorObject, property: unknown) => `${e.instancePath}/${String(property)}`;
  const paramsOf = (e: ErrorObject) => e.params as Record<string, unknown>;
  const branchExtras = new Set(
    relevant
      .filter((e) => e.keyword === 'additionalProperties' && branchOf(e.parentSchema))
      .map((e) => pairKey(e, paramsOf(e).additionalProperty)),
  );
  const required = new Set(
    relevant.filter((e) => e.keyword === 'required').map((e) => pairKey(e, paramsOf(e).missingProperty)),
  );
  const kindConflicts = new Set(relevant.filter((e) => isKindConflict(e)).map((e) => e.instancePath));

  const issues: Issue[] = [];
  const seen = new Set<string>();
  const add = (path: Segment[], message: string) => {
    const key = JSON.stringify(path) + '\u0000' + message;
    if (!seen.has(key)) issues.push({ path, message });
    seen.add(key);
  };

  for (const error of relevant) {
    const path = pointerToPath(error.instancePath, root);
    const params = paramsOf(error);
    // A model with two kinds gets one message; the branches' other complaints would only add noise.
    if (kindConflicts.has(error.instancePath) && branchOf(error.parentSchema)) {
      if (isKindConflict(error)) {
        const [first = '', second = ''] = MODEL_KINDS.filter((k) => isObject(error.data) && k in error.data);
        add(
          [...path, second],
          `a model is one of ${MODEL_KINDS.join(', ')}: "${second}" cannot be combined with "${first}"`,
        );
      }
      continue;
    }
    switch (error.keyword) {
      case 'type':
        add(path, `must be ${typeNames(params.type)} (got ${describeValue(error.data)})`);
        break;
      case 'enum': {
        if (typeErrors.has(error.instancePath)) break;
        const allowed = (params.allowedValues as unknown[]) ?? [];
        const noun = enumNoun(path);
        const hint = typeof error.data === 'string' ? suggestion(error.data, allowed.map(String)) : '';
        const list = allowed.map((v) => (typeof v === 'string' ? v : describeValue(v))).join(', ');
        add(
          path,
          noun
            ? `unknown ${noun} ${describeValue(error.data)}${hint}; expected one of ${list}`
            : `must be one of ${list} (got ${describeValue(error.data)})${hint}`,
        );
        break;
      }
      case 'required': {
        const missing = String(params.missingProperty);
        const branch = branchOf(error.parentSchema);
        const expected = describeSchema(propertiesOf(error.parentSchema)[missing]);
        add([...path, missing], `required${branch ? ` ${branchCondition(branch)}` : ''}: expected ${expected}`);
        break;
      }
      case 'additionalProperties': {
        const extra = String(params.additionalProperty);
        if (!branchOf(error.parentSchema) && branchExtras.has(pairKey(error, extra))) break;
        const branch = branchOf(error.parentSchema);
        const allowed = Object.keys(propertiesOf(error.parentSchema));
        const baseKnows = branch !== undefined && knownKeys(branch.base).has(extra);
        const expected = `; expected one of ${allowed.join(', ')}`;
        add(
          [...path, extra],
          baseKnows
            ? `"${extra}" does not apply ${branch ? branchCondition(branch) : ''}${expected}`
            : `unknown property "${extra}"${suggestion(extra, allowed)}${expected}`,
        );
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        add(
          path,
          `must be ${COMPARISONS[String(params.comparison)] ?? params.comparison} ${params.limit} (got ${describeValue(error.data)})`,
        );
        break;
      case 'minItems':
      case 'maxItems': {
        const schema = isObject(error.parentSchema) ? error.parentSchema : {};
        const count = Array.isArray(error.data) ? error.data.length : 0;
        const limit = Number(params.limit);
        const rule =
          schema.minItems === schema.maxItems
            ? `exactly ${limit}`
            : error.keyword === 'minItems'
              ? `at least ${limit}`
              : `at most ${limit}`;
        add(path, `must have ${rule} item${limit === 1 ? '' : 's'} (got ${count})`);
        break;
      }
      case 'minLength':
        add(path, 'must not be empty');
        break;
      case 'pattern':
        add(
          path,
          error.data === '.' || error.data === '..'
            ? `must not be "." or ".." (it names a folder of runs)`
            : `must not contain spaces or slashes (got ${describeValue(error.data)})`,
        );
        break;
      case 'dependencies':
        if (required.has(pairKey(error, params.missingProperty))) break;
        add([...path, String(params.missingProperty)], `required together with "${String(params.property)}"`);
        break;
      case 'anyOf': {
        const options = Array.isArray(error.schema) ? error.schema : [];
        const keys = options.map((o) =>
          isObject(o) && Array.isArray(o.required) && o.required.length === 1 ? String(o.required[0]) : undefined,
        );
        if (keys.every((k): k is string => k !== undefined)) {
          const list = keys.map((k) => `"${k}"`);
          add(path, `needs one of ${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`);
        } else {
          add(path, 'does not match any allowed form');
        }
        break;
      }
      case 'not': {
        // `not: { required: [a, b] }` is how the schema says two keys exclude each other.
        const excluded = isObject(error.schema) && Array.isArray(error.schema.required) ? error.schema.required : [];
        if (excluded.length === 2) {
          add(
            [...path, String(excluded[1])],
            `"${String(excluded[1])}" cannot be combined with "${String(excluded[0])}"`,
          );
        } else {
          add(path, error.message ?? 'is not allowed here');
        }
        break;
      }
      default:
        add(path, error.message ?? `fails ${error.keyword}`);
    }
  }
  return issues;
}

/** An error from a model's `then` branch rejecting a second kind key (e.g. `preset` next to `layers`). */
function isKindConflict(error: ErrorObject): boolean {
  if (error.keyword !== 'additionalProperties' || !isObject(error.data)) return false;
  const extra = String((error.params as Record<string, unknown>).additionalProperty);
  const data = error.data;
  return (MODEL_KINDS as readonly string[]).includes(extra) && MODEL_KINDS.filter((k) => k in data).length > 1;
}

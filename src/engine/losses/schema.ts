// Generates the parts of the shipped JSON Schema that belong to the loss definitions (the loss
// enum, its descriptions, one `if`/`then` branch per loss, the completion snippets) and to the
// runner contract (backend names). `npm run schema` writes the result to schemas/kd.schema.json;
// a unit test fails when the checked-in file differs from what this produces.
import { BACKEND_NAMES } from '../../protocol/runner';
import { isObject, type JsonObject, type JsonValue } from '../config/json';
import type { SchemaFragment } from './definition';
import { LOSS_DEFINITIONS } from './registry';

/** The plain-text twin of a Markdown description (editors without Markdown show this one). */
function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}

/** A definition's fragment as schema JSON: each Markdown `description` becomes both descriptions. */
function expand(fragment: SchemaFragment | JsonValue, defaultValue?: JsonValue): JsonValue {
  if (Array.isArray(fragment)) return fragment.map((item) => expand(item));
  if (!isObject(fragment as JsonValue)) return fragment as JsonValue;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fragment as JsonObject)) {
    if (key === 'description' && typeof value === 'string') {
      out.description = plain(value);
      out.markdownDescription = value;
    } else out[key] = expand(value);
  }
  if (defaultValue !== undefined) out.default = defaultValue;
  return out;
}

function branchOf(definition: (typeof LOSS_DEFINITIONS)[number]): JsonObject {
  const defaults = definition.defaults as Record<string, JsonValue>;
  const properties: JsonObject = { type: true, weight: true };
  for (const [name, fragment] of Object.entries(definition.schema.properties as Record<string, SchemaFragment>))
    properties[name] = expand(fragment, defaults[name]);
  return {
    if: { properties: { type: { const: definition.type } }, required: ['type'] },
    then: {
      properties,
      additionalProperties: false,
      ...(definition.schema.required ? { required: [...definition.schema.required] } : {}),
    },
  };
}

function objectAt(root: JsonObject, path: string[]): JsonObject {
  let node: JsonValue = root;
  for (const key of path) {
    const next: JsonValue | undefined = isObject(node) ? node[key] : undefined;
    if (!isObject(next ?? null)) throw new Error(`schemas/kd.schema.json: no object at ${path.join('.')}`);
    node = next as JsonObject;
  }
  return node as JsonObject;
}

/** The schema with its generated parts replaced; everything else is kept as written. */
export function generateSchema(current: JsonObject): JsonObject {
  const schema = structuredClone(current);
  const loss = objectAt(schema, ['definitions', 'loss']);
  const type = objectAt(loss, ['properties', 'type']);
  objectAt(loss, ['properties']).type = {
    type: 'string',
    enum: LOSS_DEFINITIONS.map((d) => d.type),
    description: type.description ?? 'The loss.',
    markdownDescription: type.markdownDescription ?? 'The loss.',
    markdownEnumDescriptions: LOSS_DEFINITIONS.map((d) => d.docs),
  };
  loss.allOf = LOSS_DEFINITIONS.map(branchOf);
  loss.defaultSnippets = LOSS_DEFINITIONS.flatMap((d) =>
    d.snippet ? [{ label: d.snippet.label, body: { type: d.type, ...d.snippet.body } as JsonObject }] : [],
  );
  objectAt(schema, ['definitions', 'experiment', 'properties', 'backend']).enum = [...BACKEND_NAMES];
  return schema;
}

/** The schema file's text: two-space JSON and a final newline. */
export function schemaText(schema: JsonObject): string {
  return JSON.stringify(schema, null, 2) + '\n';
}

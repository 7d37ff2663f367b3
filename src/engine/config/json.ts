// Plain JSON values and JSON paths (`$.distill.losses[1].temperature`).

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A step in a JSON path: a property name or an array index. */
export type Segment = string | number;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** The value at a path, or undefined when some step is missing. */
export function valueAt(value: JsonValue | undefined, path: readonly Segment[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const segment of path) {
    if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
    else
      current =
        isObject(current) && Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly Segment[]): string {
  return (
    '$' +
    path
      .map((s) => (typeof s === 'number' ? `[${s}]` : IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
      .join('')
  );
}

/** Turns a JSON pointer (`/distill/losses/1`) into path segments; indices become numbers where the data holds an array. */
export function pointerToPath(pointer: string, data: JsonValue | undefined): Segment[] {
  if (pointer === '') return [];
  const path: Segment[] = [];
  let current: JsonValue | undefined = data;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: Segment = Array.isArray(current) && /^\d+$/.test(token) ? Number(token) : token;
    path.push(segment);
    current = valueAt(current, [segment]);
  }
  return path;
}

/** A short rendering of a value for messages: `-2`, `"kld"`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

// Keras 3 writes a few parts of a model's topology differently from Keras 2, whose format TF.js
// Layers reads; `tensorflowjs_converter` passes them through unchanged, so a converted Keras 3
// model fails to load ("An InputLayer should be passed either a `batchInputShape` or an
// `inputShape`", "Corrupted configuration, expected array for nodeData"). This rewrites those
// parts into the Keras 2 form; a Keras 2 or TF.js topology passes through untouched.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keras 3 node: { args: [...tensors], kwargs: {...} }, each tensor { class_name: "__keras_tensor__", config: { keras_history: [layer, node, tensor] } }. */
function isKeras3Node(node: Json): node is JsonObject {
  return isObject(node) && 'args' in node;
}

function kerasHistories(value: Json, out: Json[][]): void {
  if (Array.isArray(value)) {
    for (const item of value) kerasHistories(item, out);
  } else if (isObject(value)) {
    const config = value.config;
    if (value.class_name === '__keras_tensor__' && isObject(config) && Array.isArray(config.keras_history)) {
      const [layer, node, tensor] = config.keras_history;
      out.push([layer, node, tensor, {}]);
      return;
    }
    for (const item of Object.values(value)) kerasHistories(item, out);
  }
}

/** The Keras 2 form of one inbound node: [[layer, nodeIndex, tensorIndex, kwargs], …]. */
function keras2Node(node: JsonObject): Json[][] {
  const refs: Json[][] = [];
  kerasHistories(node.args ?? [], refs);
  return refs;
}

/** A Keras 3 dtype policy object ({ class_name: "DTypePolicy", config: { name: "float32" } }) becomes its dtype name. */
function dtypeName(value: Json): Json {
  if (isObject(value) && isObject(value.config) && typeof value.config.name === 'string') return value.config.name;
  return value;
}

function normalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalize);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'inbound_nodes' && Array.isArray(item)) {
      out[key] = item.map((node) => (isKeras3Node(node) ? keras2Node(node) : normalize(node)));
    } else if (key === 'dtype') {
      out[key] = dtypeName(item);
    } else {
      out[key] = normalize(item);
    }
  }
  if (out.class_name === 'InputLayer' && isObject(out.config)) {
    const config = { ...out.config };
    if ('batch_shape' in config && !('batch_input_shape' in config)) {
      config.batch_input_shape = config.batch_shape;
      delete config.batch_shape;
    }
    out.config = config;
  }
  return out;
}

/** Returns a copy of a Layers-model topology in the Keras 2 form that TF.js reads. */
export function normalizeKerasTopology<T>(topology: T): T {
  return normalize(topology as Json) as T;
}

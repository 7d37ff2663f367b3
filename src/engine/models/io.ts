// Saving and loading TF.js Layers models on disk without tfjs-node (the pure @tensorflow/tfjs
// package has no file:// handler): model.json (topology plus a weights manifest) and its
// weight shards, read and written with fs.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../store/atomic';
import { normalizeKerasTopology } from './kerasCompat';
import { MODEL_JSON_LIMIT, resolveShard } from '../config/manifest';
import { openRegularFile, readTextFileSafely } from '../io/safeRead';

/** One weight shard; TF.js writes shards of 4 MB, a whole model in one file stays far below this. */
const WEIGHT_FILE_LIMIT = 2 * 1024 * 1024 * 1024;

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The model.json written by TF.js (`model.save`) and by `tensorflowjs_converter` (layers format). */
interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest?: tf.io.WeightsManifestConfig;
  trainingConfig?: tf.io.TrainingConfig;
  userDefinedMetadata?: object;
}

/**
 * Writes `dir/model.json` and `dir/weights.bin`. Each file is written to a temporary sibling and
 * renamed into place, weights first, so a reader never sees a half-written file.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data =
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: ModelJson = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      fs.mkdirSync(dir, { recursive: true });
      writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(data));
      writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes a manifest group's weights take on disk, or undefined when a string weight makes it variable. */
function expectedBytes(weights: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const w of weights) {
    const dtype = w.quantization?.dtype ?? w.dtype;
    const size = BYTES_PER_ELEMENT[dtype];
    if (size === undefined) return undefined;
    total += w.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

function readModelJson(file: string): ModelJson {
  const read = readTextFileSafely(file, MODEL_JSON_LIMIT);
  if ('error' in read)
    throw new Error(
      read.error === 'file not found' ? `model file not found: ${file}` : `model file ${file}: ${read.error}`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    // The parser's message quotes the text; the file may not be a model at all, so it is not repeated.
    throw new Error(`${file}: not valid JSON (expected a TF.js model.json)`);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`${file}: not a TF.js model.json (expected an object)`);
  const json = parsed as Partial<ModelJson> & { format?: unknown };
  if (json.format === 'graph-model') {
    throw new Error(
      `${file}: a TF.js graph model cannot be trained or tapped; convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model`,
    );
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new Error(`${file}: not a TF.js Layers model (no "modelTopology")`);
  }
  if (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest)) {
    throw new Error(`${file}: "weightsManifest" must be a list of weight groups`);
  }
  return json as ModelJson;
}

/** Reads every weight shard of the manifest, in order, into one buffer. */
function readWeights(file: string, manifest: tf.io.WeightsManifestConfig): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  manifest.forEach((group, g) => {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`${file}: weight group ${g + 1} needs "paths" and "weights" lists`);
    }
    let groupBytes = 0;
    for (const shard of group.paths) {
      const resolved = resolveShard(file, shard);
      if ('error' in resolved) throw new Error(resolved.error);
      const shardFile = resolved.file;
      const opened = openRegularFile(shardFile, WEIGHT_FILE_LIMIT);
      if ('error' in opened)
        throw new Error(
          opened.error === 'file not found'
            ? `${file}: weight file "${shard}" not found (${shardFile})`
            : `${file}: weight file "${shard}" (${shardFile}): ${opened.error}`,
        );
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(opened.fd);
      } finally {
        fs.closeSync(opened.fd);
      }
      chunks.push(bytes);
      groupBytes += bytes.byteLength;
    }
    const expected = expectedBytes(group.weights);
    if (expected !== undefined && expected !== groupBytes) {
      throw new Error(
        `${file}: weight files ${group.paths.join(', ')} hold ${groupBytes} bytes but the manifest describes ${expected}`,
      );
    }
    specs.push(...group.weights);
  });
  const all = Buffer.concat(chunks);
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
}

/**
 * Loads a TF.js Layers model from its model.json and weight shards: models saved by TF.js, by
 * `saveModel`, and Keras models converted with tensorflowjs_converter (layers format, Keras 2 or 3).
 */
export async function loadModel(modelJsonPath: string): Promise<tf.LayersModel> {
  const file = path.resolve(modelJsonPath);
  const json = readModelJson(file);
  const normalized = {
    ...json,
    modelTopology: normalizeKerasTopology(json.modelTopology),
    weightsManifest: json.weightsManifest ?? [],
  };
  const artifacts = await tf.io.getModelArtifactsForJSON(normalized as tf.io.ModelJSON, async (manifest) =>
    readWeights(file, manifest),
  );
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new Error(`${file}: cannot build the model (${(error as Error).message})`, { cause: error });
  }
}

// The shipped JSON Schema (schemas/kd.schema.json) as a value: importing the JSON lets esbuild
// inline it into the bundles, so nothing has to be found on disk at run time.
import schemaJson from '../../../schemas/kd.schema.json';
import type { JsonObject } from './json';

/** Shared by the validators: read it, never change it (clone it for tools that rewrite schemas in place). */
export const kdSchema: JsonObject = schemaJson as unknown as JsonObject;

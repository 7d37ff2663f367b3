// `npm run schema`: regenerates schemas/kd.schema.json from the loss definitions and the runner
// contract (src/engine/losses/schema.ts). Run it after adding or changing a loss.
import * as fs from 'fs';
import * as path from 'path';
import { generateSchema, schemaText } from '../src/engine/losses/schema';
import type { JsonObject } from '../src/engine/config/json';

const file = path.join(__dirname, '..', 'schemas', 'kd.schema.json');
const current = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
const next = schemaText(generateSchema(current));
if (next === fs.readFileSync(file, 'utf8'))
  process.stdout.write(`${path.relative(process.cwd(), file)} is up to date\n`);
else {
  fs.writeFileSync(file, next);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

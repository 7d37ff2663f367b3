// The shipped JSON Schema compiled once with ajv: checks a file as written, or one merged experiment.
import Ajv, { type ValidateFunction } from 'ajv';
import type { JsonValue } from './json';
import { kdSchema } from './schemaDocument';
import { issuesOf, type Issue } from './schemaErrors';

interface Validators {
  file: ValidateFunction;
  experiment: ValidateFunction;
}
let validators: Validators | undefined;

function compiled(): Validators {
  if (!validators) {
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: true,
      // `required` inside `if` names properties declared by the enclosing schema, which strict mode cannot see.
      strictRequired: false,
      allowUnionTypes: true,
      // Editor-only annotations understood by VS Code's JSON language service.
      keywords: ['markdownDescription', 'markdownEnumDescriptions', 'defaultSnippets'],
    });
    ajv.addSchema(kdSchema, 'kd');
    validators = {
      file: ajv.getSchema('kd') as ValidateFunction,
      experiment: ajv.getSchema('kd#/definitions/experiment') as ValidateFunction,
    };
  }
  return validators;
}

/** Checks a whole file as written (top level, `extends`, `cells`). */
export function validateFileShape(value: JsonValue): Issue[] {
  const validate = compiled().file;
  return validate(value) ? [] : issuesOf(validate.errors ?? [], value);
}

/** Checks one experiment after `extends` and its cell are merged. */
export function validateExperimentShape(value: JsonValue): Issue[] {
  const validate = compiled().experiment;
  return validate(value) ? [] : issuesOf(validate.errors ?? [], value);
}

import type { Scheme as SchemeName } from '../config/types';
import { assistant } from './assistant';
import { multiTeacher } from './multiTeacher';
import { noisyStudent } from './noisyStudent';
import { offline } from './offline';
import { online } from './online';
import { selfDistill } from './self';
import type { Scheme } from './types';

const SCHEMES: Record<SchemeName, Scheme> = {
  offline,
  online,
  self: selfDistill,
  assistant,
  multiTeacher,
  noisyStudent,
};

export function schemeFor(name: SchemeName): Scheme {
  const scheme = (SCHEMES as Partial<Record<string, Scheme>>)[name];
  if (!scheme)
    throw new Error(`distill.scheme "${name}" is not available; expected one of ${Object.keys(SCHEMES).join(', ')}`);
  return scheme;
}

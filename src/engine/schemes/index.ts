import type { Scheme as SchemeName } from '../config/types';
import { offline } from './offline';
import type { Scheme } from './types';

const SCHEMES: Partial<Record<SchemeName, Scheme>> = {
  offline,
};

export function schemeFor(name: SchemeName): Scheme {
  const scheme = SCHEMES[name];
  if (!scheme) throw new Error(`distill.scheme "${name}" is not available; expected one of ${Object.keys(SCHEMES).join(', ')}`);
  return scheme;
}

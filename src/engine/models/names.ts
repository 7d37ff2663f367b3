// Layer names: stable, readable and unique within a model, because loss terms, checkpoints and
// the panel refer to layers by name.

/** TF.js refuses other characters in layer names (they become weight-name scopes). */
const VALID_NAME = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

export class LayerNames {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** Names the user chose are reserved up front, so generated names never take them. */
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.claim(name);
  }

  /** Takes a name exactly as given; throws when it is invalid or already taken. */
  claim(name: string): string {
    if (!VALID_NAME.test(name)) {
      throw new Error(
        `invalid layer name "${name}": use letters, digits, "-", "_" and ".", starting with a letter or digit`,
      );
    }
    if (this.used.has(name)) throw new Error(`duplicate layer name "${name}"`);
    this.used.add(name);
    return name;
  }

  isFree(name: string): boolean {
    return !this.used.has(name);
  }

  /** The next free `${prefix}_${n}` (n counts from 1 per prefix). */
  next(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do {
      n += 1;
      name = `${prefix}_${n}`;
    } while (this.used.has(name));
    this.counters.set(prefix, n);
    this.used.add(name);
    return name;
  }

  /** `name` itself when free, else `${name}_2`, `${name}_3`, … */
  fixed(name: string): string {
    if (!this.used.has(name)) {
      this.used.add(name);
      return name;
    }
    let n = 2;
    while (this.used.has(`${name}_${n}`)) n += 1;
    this.used.add(`${name}_${n}`);
    return `${name}_${n}`;
  }
}

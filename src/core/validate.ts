/**
 * Checks a reply against the contract's JSON Schema before a widget renders it, so a reply of the
 * wrong shape ends in the error state instead of a broken widget. Covers the subset of JSON
 * Schema the contract uses: type, enum, required, properties, additionalProperties (as a schema),
 * items, anyOf, minimum. Returns the JSON pointer of the first mismatch, or null. The built
 * bundle's schemas are shorter (vite.config.ts): `required: true` for "every property listed", a
 * type's name for a schema that only names a type, and a list of names for a choice between them.
 */
export type Schema = string | readonly string[] | SchemaObject;

export interface SchemaObject {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[] | true;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly minimum?: number;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

export function mismatch(given: Schema, value: unknown, at = ''): string | null {
  const schema: SchemaObject = typeof given === 'string' || Array.isArray(given) ? { type: given as string | string[] } : (given as SchemaObject);
  if (schema.anyOf) {
    return schema.anyOf.some((option) => mismatch(option, value, at) === null) ? null : at || '/';
  }
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const allowed = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
    if (!ok) return at || '/';
  }
  if (schema.enum && !schema.enum.includes(value)) return at || '/';
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) return at || '/';
  if (actual === 'array' && schema.items) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      const found = mismatch(schema.items, list[i], `${at}/${i}`);
      if (found) return found;
    }
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    const required = schema.required === true ? Object.keys(schema.properties ?? {}) : (schema.required ?? []);
    for (const key of required) if (!(key in record)) return `${at}/${key}`;
    for (const [key, child] of Object.entries(record)) {
      const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (!sub) continue; // unknown fields are tolerated: a newer server may add some
      const found = mismatch(sub, child, `${at}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

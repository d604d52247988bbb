import { randomBytes } from 'node:crypto';

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Unambiguous (no 0/O, 1/I): 32 symbols, so `byte & 31` is unbiased. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random id with a type prefix, e.g. `red_k3j…`. 16 chars of base36 ≈ 82 bits. */
export function newId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % 36];
  return `${prefix}_${out}`;
}

/** A discount code: ENC-XXXX-XXXX from an unambiguous alphabet (40 bits of entropy). */
export function newDiscountCode(): string {
  const bytes = randomBytes(8);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b & 31];
  return `ENC-${s.slice(0, 4)}-${s.slice(4, 8)}`;
}

export const DISCOUNT_CODE_PATTERN = /^ENC-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

// Run keys: a hash of the fully resolved config (which holds the seed), independent of field order, so
// the same run gets the same key in every sweep, shard and process.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 16 hex digits (64 bits) of SHA-256: collisions are negligible for any realistic sweep. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * `hashOf({...config, seed})` for many seeds, fast: the canonical JSON is built once with a placeholder
 * seed and only the seed is spliced in (the same bytes, so the same keys), for plans of many seeds.
 */
export function seededHasher(config: object): (seed: number) => string {
  const marker = `giantstep-seed-${Math.random().toString(36).slice(2)}`;
  const parts = canonicalJson({ ...config, seed: marker }).split(JSON.stringify(marker));
  if (parts.length !== 2) return (seed) => hashOf({ ...config, seed });
  const [before, after] = parts;
  return (seed) =>
    createHash('sha256')
      .update(before + canonicalJson(seed) + after)
      .digest('hex')
      .slice(0, 16);
}

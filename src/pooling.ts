// Analysis never averages silently: the runs averaged into one point (a plot's series and x, a summary's
// --by values) must agree in every config field but their seeds, unless the user names the field to pool
// over (--pool), picks one value (--where) or splits by it (--series, --by). Shared by plot and summarize;
// --where also filters export.
import { ConfigError, quoted } from './config';
import { parseField } from './plot/metric-path';

/** Config fields that differ between the runs of one point by design: the seeds. */
const SEED_FIELDS = new Set(['seed', 'initSeed']);
/**
 * Resolved config fields that follow from others: they vary with their sources, so pooling a source pools
 * them too (pooling kappa pools the n it sets).
 */
const DERIVED: Record<string, string[]> = {
  n: ['kappa', 'alpha', 'ell', 'd'],
  learningRate: ['eta', 'etaRule', 'kappa', 'alpha', 'ell', 'n', 'p', 'd'],
};
/** At most this many values are named in a message or a caption. */
const SHOWN_VALUES = 6;

/** A config field and the distinct values it takes within the groups where it varies. */
export interface Variation {
  field: string;
  values: unknown[];
}

const configOf = (r: unknown): Record<string, unknown> => ((r as { config?: Record<string, unknown> })?.config ?? {}) as Record<string, unknown>;

/** The config fields but the seeds that take more than one value inside some group. */
export function variationWithinGroups(records: unknown[], groupOf: (r: unknown) => string): Variation[] {
  const fields = new Set<string>();
  for (const r of records) for (const f of Object.keys(configOf(r))) if (!SEED_FIELDS.has(f)) fields.add(f);
  const out: Variation[] = [];
  for (const field of fields) {
    const perGroup = new Map<string, Map<string, unknown>>();
    for (const r of records) {
      const v = configOf(r)[field];
      const g = groupOf(r);
      if (!perGroup.has(g)) perGroup.set(g, new Map());
      perGroup.get(g)!.set(JSON.stringify(v ?? null), v ?? null);
    }
    const varying = [...perGroup.values()].filter((values) => values.size > 1);
    if (varying.length === 0) continue;
    const values = new Map<string, unknown>();
    for (const vs of varying) for (const [k, v] of vs) values.set(k, v);
    out.push({ field, values: [...values.values()] });
  }
  return out;
}

/** "preprocess (train, hermite)". */
export function variationText(v: Variation): string {
  const shown = v.values.slice(0, SHOWN_VALUES).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return `${v.field} (${shown.join(', ')}${v.values.length > SHOWN_VALUES ? ', …' : ''})`;
}

/**
 * Refuses to average runs that differ in a field nobody named, in one line that names the field, its values
 * and the fixes; `split` is the option that would split by it (`--series` or `--by`). Returns the fields
 * named in `pool` that do vary, for the caption. Naming in `pool` a field that is not a config field is an
 * error too.
 */
export function checkPooling(records: unknown[], groupOf: (r: unknown) => string, pool: string[], split: string): Variation[] {
  const fields = new Set(records.flatMap((r) => Object.keys(configOf(r))));
  for (const f of pool) if (records.length > 0 && !fields.has(f)) throw new ConfigError('pool', `no run has a config field ${quoted(f)}`);
  const variation = variationWithinGroups(records, groupOf);
  const pooledSource = (field: string) => (DERIVED[field] ?? []).some((src) => pool.includes(src) && variation.some((v) => v.field === src));
  const unnamed = variation.filter((v) => !pool.includes(v.field) && !pooledSource(v.field));
  if (unnamed.length > 0) {
    const [first] = unnamed;
    const also =
      unnamed.length > 1
        ? ` (and ${unnamed
            .slice(1)
            .map((v) => v.field)
            .join(', ')})`
        : '';
    throw new ConfigError(
      first.field,
      `the runs averaged into one point differ in ${variationText(first)}${also}: split by it with ${split} ${first.field}, keep one value with --where ${first.field}=${String(first.values[0])}, or average over it with --pool ${first.field}`,
    );
  }
  return variation.filter((v) => pool.includes(v.field));
}

/** The words after "over" in a caption: "seeds" and each pooled field with its values. */
export function pooledText(pooled: Variation[]): string {
  return ['seeds', ...pooled.map(variationText)].join(' and ');
}

/**
 * A filter from `--where FIELD=V1,V2` items (all must match; a comma lists the values one field may take).
 * FIELD is a config field or a dotted path; numbers compare as numbers.
 */
export function whereFilter(items: string[] = []): (r: unknown) => boolean {
  const tests = items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ConfigError('where', `give FIELD=VALUE (e.g. --where preprocess=train), got ${quoted(item)}`);
    const name = item.slice(0, eq).trim();
    const wanted = item
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim());
    const field = parseField(name.includes('.') ? name : `config.${name}`);
    return (r: unknown) => {
      const v = field.get(r);
      return wanted.some((w) => (typeof v === 'number' && w !== '' && Number(w) === v) || String(v) === w);
    };
  });
  return (r) => tests.every((t) => t(r));
}

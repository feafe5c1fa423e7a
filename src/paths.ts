// The one reader of dotted paths into records (`overlap.meanAbsCos.0`, `steps.-1.testError`,
// `steps.*.overlap`), for plot, summarize and export alike. Own properties only: a segment "__proto__" or
// "constructor" names a field, never the prototype. A numeric segment indexes an array (-1 the last);
// `*` is every element or value.

function step(value: unknown, segment: string): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  if (segment === '*') return Array.isArray(value) ? value : Object.values(value);
  if (Array.isArray(value) && /^-?\d+$/.test(segment)) {
    const i = Number(segment);
    const v = value[i < 0 ? value.length + i : i];
    return v === undefined ? [] : [v];
  }
  if (!Object.hasOwn(value, segment)) return [];
  const v = (value as Record<string, unknown>)[segment];
  return v === undefined ? [] : [v];
}

/** Every value a path reaches from `value` (several when it has `*`; none when it leads nowhere). */
export function valuesAt(value: unknown, path: string | string[]): unknown[] {
  let values: unknown[] = [value];
  for (const segment of typeof path === 'string' ? path.split('.') : path) values = values.flatMap((v) => step(v, segment));
  return values;
}

/** The value a path without `*` reaches, or undefined. */
export function valueAtPath(value: unknown, path: string | string[]): unknown {
  return valuesAt(value, path)[0];
}

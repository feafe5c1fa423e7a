// Values out of result records by dotted path: `testError`, `config.kappa`, `steps.-1.testError`
// (negative indices count from the end), `*` for every element, a reducer around a path that gives many
// numbers: `meanAbs(steps.0.updateCos.*.0)`, and an optional legend label: `spike=steps.0.overlap.meanAbsCos.0`.
// The paths themselves are read by src/paths.ts, as summarize and export read theirs.
import { valuesAt } from '../paths';

const REDUCERS: Record<string, (xs: number[]) => number> = {
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  meanAbs: (xs) => xs.reduce((a, b) => a + Math.abs(b), 0) / xs.length,
  // Folds, not Math.max(...xs): a spread of a large array (many neurons) overflows the stack.
  max: (xs) => xs.reduce((m, x) => Math.max(m, x), -Infinity),
  min: (xs) => xs.reduce((m, x) => Math.min(m, x), Infinity),
  maxAbs: (xs) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), -Infinity),
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  count: (xs) => xs.length,
};

export const REDUCER_NAMES = Object.keys(REDUCERS);

/** Where a bare name is looked for after the record's top level (sweep lines keep the config apart). */
const SCOPES = ['', 'config.'];

const isScalar = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

export interface FieldPath {
  /** Its label, else the path as written. */
  text: string;
  reducer?: string;
  path: string;
  /** A scalar (number, string, boolean) or undefined when the record lacks it. */
  get(record: unknown): number | string | boolean | undefined;
}

/** `path`, `fn(path)`, or either after `label=` (the label names it in legends). */
export function parseField(text: string): FieldPath {
  const labelled = /^([^=]+)=(.+)$/.exec(text.trim());
  const label = labelled?.[1].trim();
  const trimmed = (labelled ? labelled[2] : text).trim();
  const call = /^(\w+)\((.+)\)$/.exec(trimmed);
  const reducer = call?.[1];
  const path = call ? call[2].trim() : trimmed;
  if (reducer !== undefined && !Object.hasOwn(REDUCERS, reducer)) {
    throw new Error(`${text}: unknown function '${reducer}'; use one of ${REDUCER_NAMES.join(', ')}`);
  }
  if (!/^[\w*-]+(\.[\w*-]+)*$/.test(path)) throw new Error(`${text}: a field is a dotted path such as config.kappa or steps.-1.testError`);
  const get = (record: unknown) => {
    for (const scope of SCOPES) {
      const found = valuesAt(record, scope + path);
      if (reducer) {
        const numbers = found.flat(Infinity as 1).filter((v): v is number => typeof v === 'number');
        if (numbers.length) return REDUCERS[reducer](numbers);
      } else if (found.length === 1 && isScalar(found[0])) {
        return found[0] as number | string | boolean;
      }
    }
    return undefined;
  };
  return { text: label ?? trimmed, reducer, path, get };
}

// Results lines as one flat, typed table: a row per run (or per run × step), a column per config field
// and per metric. Column types are fixed by the config's field table, not guessed from the first value,
// so a float field stays float when some runs happen to hold 1 and others 1.5.
import { ConfigError } from '../config';
import type { FieldName } from '../config/fields';
import { FIELDS } from '../config/fields';
import { valueAtPath } from '../paths';
import { parseField } from '../plot/metric-path';
import type { SweepRecord } from '../sweep';

export type ColumnType = 'float64' | 'int64' | 'utf8' | 'bool';
export type Cell = number | string | boolean | null;

export interface Column {
  name: string;
  type: ColumnType;
  values: Cell[];
}

export interface FlatTable {
  columns: Column[];
  rows: number;
}

export interface TableOptions {
  /** One row per run × step (columns `step` and the step's numbers) instead of one per run. */
  perStep?: boolean;
  /**
   * Extra columns: dotted paths with optional reducer and label (`sigma2=steps.-1.overlap.singularValues.1`,
   * `meanAbs(steps.0.overlap.neuronCos.*.0)`), read from the run's line, or from the step with `perStep`.
   */
  metrics?: string[];
}

const CONFIG_TYPES: Record<string, ColumnType> = { int: 'int64', seed: 'int64', number: 'float64', enum: 'utf8', string: 'utf8', bool: 'bool' };

/** The resolved config's columns: every field of the table, and the derived learning rate. */
const CONFIG_COLUMNS: [string, ColumnType][] = [
  ...(Object.keys(FIELDS) as FieldName[]).map((name): [string, ColumnType] => [name, CONFIG_TYPES[FIELDS[name].kind]]),
  ['learningRate', 'float64'],
];

/** Per run: the errors, the baselines, the cost. */
const RUN_METRICS: [string, ColumnType][] = [
  ['testError', 'float64'],
  ['trainError', 'float64'],
  ['baselines.randomFeatures.testError', 'float64'],
  ['baselines.randomFeatures.trainError', 'float64'],
  ['baselines.linearKernel.testError', 'float64'],
  ['timing.seconds', 'float64'],
  ['memoryEstimateBytes', 'int64'],
];

/** Per step: the errors and the overlap statistics; array fields get one column per target direction. */
const STEP_SCALARS: [string, ColumnType][] = [
  ['testError', 'float64'],
  ['trainError', 'float64'],
  ['meanUpdateNorm', 'float64'],
  ['overlap.meanNorm', 'float64'],
];
const STEP_ARRAYS = ['overlap.meanAbsCos', 'overlap.maxAbsCos', 'overlap.fracAbove', 'overlap.singularValues'];
/** Most target directions a per-step column family can have (targets have a handful; the engine caps k far lower). */
const MAX_DIRECTIONS = 1024;

/** A cell of a column whose type is fixed: anything else (an array, a string in a number column) is refused. */
function cell(value: unknown, type: ColumnType, column: string): Cell {
  if (value === undefined || value === null) return null;
  const ok =
    (type === 'float64' && typeof value === 'number') ||
    (type === 'int64' && typeof value === 'number' && Number.isSafeInteger(value)) ||
    (type === 'utf8' && typeof value === 'string') ||
    (type === 'bool' && typeof value === 'boolean');
  if (!ok)
    throw new ConfigError('files', `column ${column}: ${JSON.stringify(value)?.slice(0, 80)} is not a ${type} value (a results file of another version?)`);
  return value as Cell;
}

/** The type of a user's metric column: float when every value is a number, else bool or text. */
function inferType(values: unknown[]): ColumnType {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.every((v) => typeof v === 'number')) return 'float64';
  if (present.every((v) => typeof v === 'boolean')) return 'bool';
  return 'utf8';
}

interface Row {
  record: SweepRecord;
  step?: unknown;
}

/**
 * One row per computed step. Runs that differ only in `steps` (a sweep over steps = 1..6, one engine run
 * cut into six lines) share their first steps: each is emitted once, from the run that stopped there (whose
 * readout is the final one) or else the first that has it, so a group_by("step") counts every step once.
 */
function stepRows(records: SweepRecord[]): Row[] {
  const chosen = new Map<string, Row>();
  const order: string[] = [];
  for (const record of records) {
    if (!record.steps?.length) {
      order.push(record.key);
      chosen.set(record.key, { record });
      continue;
    }
    const { steps: _steps, ...shared } = record.config as unknown as Record<string, unknown>;
    const run = JSON.stringify(shared, Object.keys(shared).sort());
    for (const step of record.steps) {
      const id = `${run}\u0000${(step as { step?: unknown }).step}`;
      const held = chosen.get(id);
      const last = record.config.steps === (step as { step?: unknown }).step;
      if (!held) {
        order.push(id);
        chosen.set(id, { record, step });
      } else if (last && held.record.config.steps !== (step as { step?: unknown }).step) chosen.set(id, { record, step });
    }
  }
  return order.map((id) => chosen.get(id)!);
}

export function flatTable(records: SweepRecord[], options: TableOptions = {}): FlatTable {
  const rows: Row[] = options.perStep ? stepRows(records) : records.map((record) => ({ record }));
  const columns: Column[] = [];
  const names = new Set<string>();
  const add = (name: string, type: ColumnType, get: (row: Row, i: number) => unknown) => {
    if (names.has(name)) throw new ConfigError('metric', `column ${name} is already in the table: name the metric (label=path)`);
    names.add(name);
    columns.push({ name, type, values: rows.map((row, i) => cell(get(row, i), type, name)) });
  };

  add('key', 'utf8', (r) => r.record.key);
  add('version', 'utf8', (r) => r.record.version);
  add('error', 'utf8', (r) => (r.record.error ? `${r.record.error.field}: ${r.record.error.message}` : null));
  for (const [name, type] of CONFIG_COLUMNS) add(name, type, (r) => valueAtPath(r.record.config, name));
  if (options.perStep) {
    add('step', 'int64', (r) => valueAtPath(r.step, 'step'));
    for (const [path, type] of STEP_SCALARS) add(path, type, (r) => valueAtPath(r.step, path));
    for (const path of STEP_ARRAYS) {
      // One column per target direction: only real arrays count ({"length": 1e8} is not one), and a width
      // beyond any target's is refused rather than built.
      const arrayAt = (r: Row) => {
        const v = valueAtPath(r.step, path);
        return Array.isArray(v) ? v : undefined;
      };
      const width = rows.reduce((w, r) => Math.max(w, arrayAt(r)?.length ?? 0), 0);
      if (width > MAX_DIRECTIONS) {
        throw new ConfigError('files', `a step's ${path} has ${width} entries, more than the ${MAX_DIRECTIONS} target directions a results line can hold`);
      }
      for (let j = 0; j < width; j++) add(`${path}.${j}`, 'float64', (r) => arrayAt(r)?.[j]);
    }
  } else {
    for (const [path, type] of RUN_METRICS) add(path, type, (r) => valueAtPath(r.record, path));
  }
  for (const text of options.metrics ?? []) {
    let field: ReturnType<typeof parseField>;
    try {
      field = parseField(text);
    } catch (e) {
      throw new ConfigError('metric', `${text}: ${(e as Error).message}`);
    }
    const values = rows.map((r) => field.get(options.perStep ? r.step : r.record));
    if (values.every((v) => v === undefined)) {
      throw new ConfigError(
        'metric',
        `${text}: no ${options.perStep ? 'step' : 'run'} has a value there (paths are read from ${options.perStep ? 'each step, e.g. overlap.singularValues.1' : "the run's line, e.g. steps.-1.overlap.singularValues.1"})`,
      );
    }
    const type = inferType(values);
    // The values read above, once: their type was inferred from them.
    add(field.text, type, (_, i) => (type === 'utf8' && values[i] !== undefined ? String(values[i]) : values[i]));
  }
  return { columns, rows: rows.length };
}

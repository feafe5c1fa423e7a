// Sweep specs: {"base": config (may name a preset), "grid": {field: values}, "zip": [[fields]], "seeds": N | [..]}.
// Everything is checked here, before any run starts, with errors that name the part at fault.

import { parse as parseYaml } from 'yaml';
import type { ConfigInput } from '../config';
import { ConfigError, checkFieldName, FIELDS, prepareConfig, quoted } from '../config';
import type { FieldSpec } from '../config/fields';
import { fieldValueFromText } from '../config/fields';
import { checkYamlDepth, readBoundedText } from '../config/input-file';
import type { AxisValues } from './values';
import { axisValues, MAX_PLAN_RUNS } from './values';

export interface SweepSpec {
  /** The config every run starts from; may name a `preset`. */
  base?: ConfigInput;
  /** Axes: any config field, with a list of values or a range. Axes cross unless zipped. */
  grid?: Record<string, AxisValues>;
  /** Groups of grid axes that vary together (equal lengths) instead of crossing. */
  zip?: string[][];
  /** A count (seeds 0..N-1) or a list of seeds. Default: base.seed, else 0. */
  seeds?: number | number[];
}

/** One dimension of the expansion: a single axis, or a zipped group (rows[i] holds a value per name). */
export interface SweepAxis {
  names: string[];
  rows: unknown[][];
}

export interface NormalizedSpec {
  /** base with its preset expanded. */
  base: ConfigInput;
  axes: SweepAxis[];
  seeds: number[];
}

const SPEC_KEYS = ['base', 'grid', 'zip', 'seeds'];

/** The message of a ConfigError without its field prefix, to re-attach under another name. */
export function reasonOf(e: ConfigError): string {
  return e.reason;
}

function renamed<T>(field: (inner: string) => string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(field(e.field), reasonOf(e));
    throw e;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function checkAxisName(name: string): void {
  const field = `grid.${name}`;
  if (name === 'seed') throw new ConfigError(field, 'seeds are not a grid axis: give "seeds" (a count or a list)');
  if (name === 'preset') throw new ConfigError(field, 'preset is not an axis: set it in "base"');
  // Any other name is an axis if it is a config field: refused with the engine's own message otherwise.
  renamed(
    () => field,
    () => checkFieldName(name),
  );
}

function gridAxis(name: string, spec: unknown): unknown[] {
  checkAxisName(name);
  const values = axisValues(`grid.${name}`, name, spec);
  for (const [i, v] of values.entries())
    renamed(
      () => `grid.${name}[${i}]`,
      () => prepareConfig({ [name]: v }),
    );
  return values;
}

function normalizeSeeds(raw: unknown, base: ConfigInput): number[] {
  if (raw === undefined) return [base.seed ?? 0];
  if (base.seed !== undefined) throw new ConfigError('seeds', 'give the seeds either in "seeds" or as base.seed, not both');
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1) throw new ConfigError('seeds', 'a count must be a whole number >= 1');
    if (raw > MAX_PLAN_RUNS) throw new ConfigError('seeds', `${raw} seeds are above the limit of ${MAX_PLAN_RUNS} runs per sweep: split the sweep`);
    return Array.from({ length: raw }, (_, i) => i);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError('seeds', 'must be a count or a non-empty list of seeds');
  // Each seed is checked as a config's seed is, by the engine's field table.
  for (const [i, seed] of raw.entries())
    renamed(
      () => `seeds[${i}]`,
      () => prepareConfig({ seed }),
    );
  if (new Set(raw).size !== raw.length) throw new ConfigError('seeds', 'lists a seed twice');
  return raw as number[];
}

function zipGroups(raw: unknown, grid: Record<string, unknown[]>): string[][] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ConfigError('zip', 'must be a list of lists of grid axes, e.g. [["kappa", "eta"]]');
  const seen = new Set<string>();
  return raw.map((group, g) => {
    const field = `zip[${g}]`;
    if (!Array.isArray(group) || group.length === 0 || !group.every((n) => typeof n === 'string')) {
      throw new ConfigError(field, 'must be a non-empty list of grid axis names');
    }
    for (const name of group as string[]) {
      if (!Object.hasOwn(grid, name)) throw new ConfigError(field, `${quoted(name)} is not an axis of "grid"`);
      if (seen.has(name)) throw new ConfigError(field, `${quoted(name)} appears in more than one zip group`);
      seen.add(name);
    }
    const lengths = (group as string[]).map((n) => `${n} (${grid[n].length})`);
    if (new Set((group as string[]).map((n) => grid[n].length)).size > 1) {
      throw new ConfigError(field, `zipped axes must have as many values each: ${lengths.join(', ')}`);
    }
    return group as string[];
  });
}

/** How many values an axis declares, before expanding it (a range's count; 1 when malformed: checked later). */
function declaredLength(spec: unknown): number {
  if (Array.isArray(spec)) return Math.max(spec.length, 1);
  const range = isObject(spec) ? (spec.linspace ?? spec.logspace) : undefined;
  const count = Array.isArray(range) ? range[2] : undefined;
  return typeof count === 'number' && Number.isFinite(count) && count >= 1 ? Math.floor(count) : 1;
}

/**
 * Refuses a spec of more than MAX_PLAN_RUNS runs from the sizes it declares (axes, zip groups, seeds),
 * before anything is expanded: a range of 1e9 values must not be built to be counted.
 */
function checkPlanSize(raw: Record<string, unknown>): void {
  const grid = isObject(raw.grid) ? raw.grid : {};
  const lengths = new Map(Object.entries(grid).map(([name, spec]) => [name, declaredLength(spec)]));
  // Zipped axes vary together: a group counts once (its longest axis; unequal lengths are refused later).
  for (const group of Array.isArray(raw.zip) ? raw.zip : []) {
    if (!Array.isArray(group)) continue;
    const names = [...new Set(group.filter((n): n is string => typeof n === 'string' && lengths.has(n)))];
    if (names.length < 2) continue;
    const longest = names.reduce((m, n) => Math.max(m, lengths.get(n) as number), 1);
    for (const [i, n] of names.entries()) lengths.set(n, i === 0 ? longest : 1);
  }
  const seeds =
    typeof raw.seeds === 'number' && Number.isFinite(raw.seeds)
      ? Math.max(Math.floor(raw.seeds), 1)
      : Array.isArray(raw.seeds)
        ? Math.max(raw.seeds.length, 1)
        : 1;
  const limit = `the limit of ${MAX_PLAN_RUNS} runs per sweep (docs/limits.md): split the sweep into smaller ones`;
  if (seeds > MAX_PLAN_RUNS) throw new ConfigError('seeds', `${seeds} seeds are above ${limit}`);
  for (const [name, n] of lengths) if (n > MAX_PLAN_RUNS) throw new ConfigError(`grid.${name}`, `${n} values are above ${limit}`);
  let runs = seeds;
  for (const n of lengths.values()) runs *= n;
  if (runs > MAX_PLAN_RUNS) {
    const sizes = [...[...lengths].filter(([, n]) => n > 1).map(([name, n]) => `${name} ${n}`), ...(seeds > 1 ? [`seeds ${seeds}`] : [])];
    throw new ConfigError('grid', `${sizes.join(' × ')} make ${runs.toPrecision(3)} runs, above ${limit}`);
  }
}

/** Checks a spec and puts it in the form the expansion uses. Throws ConfigError naming the part at fault. */
export function normalizeSpec(raw: unknown): NormalizedSpec {
  if (!isObject(raw)) throw new ConfigError('spec', 'must be an object with "base", "grid", "zip" and "seeds"');
  const unknown = Object.keys(raw).find((k) => !SPEC_KEYS.includes(k));
  if (unknown) throw new ConfigError(unknown, `unknown spec key; a spec has ${SPEC_KEYS.map((k) => `"${k}"`).join(', ')}`);
  checkPlanSize(raw);
  if (raw.base !== undefined && !isObject(raw.base)) throw new ConfigError('base', 'must be an object of config fields');
  const base = renamed(
    (f) => `base.${f}`,
    () => prepareConfig(raw.base ?? {}),
  );
  if (raw.grid !== undefined && !isObject(raw.grid)) throw new ConfigError('grid', 'must be an object {field: values}');
  const grid: Record<string, unknown[]> = Object.create(null); // own keys only: an axis "__proto__" is a name, not a prototype
  for (const [name, spec] of Object.entries(raw.grid ?? {})) grid[name] = gridAxis(name, spec);
  const zips = zipGroups(raw.zip, grid);
  const axes: SweepAxis[] = [];
  const placed = new Set<string>();
  for (const name of Object.keys(grid)) {
    if (placed.has(name)) continue;
    const names = zips.find((g) => g.includes(name)) ?? [name];
    for (const n of names) placed.add(n);
    axes.push({ names, rows: grid[names[0]].map((_, i) => names.map((n) => grid[n][i])) });
  }
  return { base, axes, seeds: normalizeSeeds(raw.seeds, base) };
}

/** Reads a spec file: YAML for .yaml/.yml, JSON otherwise; `-` reads standard input. */
export function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readBoundedText(path, 'spec'); // a regular file or a pipe, at most MAX_INPUT_BYTES (docs/limits.md)
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('spec', `cannot read ${path}: ${(e as Error).message}`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  if (yaml) checkYamlDepth(text, 'spec', path); // the YAML parser recurses per level
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError('spec', `${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function typedValue(name: string, text: string): unknown {
  const spec = Object.hasOwn(FIELDS, name) ? (FIELDS as Record<string, FieldSpec>)[name] : undefined;
  return spec ? fieldValueFromText(spec, text) : text.trim();
}

/**
 * One `--grid` flag: `kappa=1.2:2.0:9` (linspace), `p=log:16:1024:7` (logspace) or `steps=1,2,3` (a list).
 */
export function parseGridFlag(text: string): [string, AxisValues] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError('grid', `${quoted(text)} is not FIELD=VALUES (e.g. kappa=1.2:2.0:9 or steps=1,2,3)`);
  const name = text.slice(0, eq).trim();
  const values = text.slice(eq + 1);
  const range = /^(log:)?([^:,]+):([^:,]+):([^:,]+)$/.exec(values);
  const kind = Object.hasOwn(FIELDS, name) ? (FIELDS as Record<string, FieldSpec>)[name].kind : undefined;
  if (range && (kind === 'int' || kind === 'number')) {
    const nums = [range[2], range[3], range[4]].map(Number) as [number, number, number];
    if (nums.some(Number.isNaN)) throw new ConfigError(`grid.${name}`, `${quoted(values)} is not START:STOP:COUNT with numbers`);
    return [name, range[1] ? { logspace: nums } : { linspace: nums }];
  }
  return [name, values.trim() === '' ? [] : values.split(',').map((v) => typedValue(name, v))];
}

/** `--seeds 10` (a count) or `--seeds 0,3,7` (a list). */
export function parseSeedsFlag(text: string): number | number[] {
  const parse = (v: string) => {
    if (!/^\s*\d{1,15}\s*$/.test(v)) {
      throw new ConfigError('seeds', `give a count in digits (--seeds 10) or seeds separated by commas (--seeds 0,3,7), got ${JSON.stringify(v.slice(0, 40))}`);
    }
    return Number(v);
  };
  if (!text.includes(',')) return parse(text);
  return text.split(',').map(parse);
}

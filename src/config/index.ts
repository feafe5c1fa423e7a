// Config input → validated, preset-expanded partial config for the engine.

import { engineCall } from '../engine';
import { ConfigError } from '../errors';
import { safeText } from '../text';
import { FIELDS } from './fields';
import { PRESET_NAMES, PRESETS } from './presets';
import type { ConfigInput } from './types';

/**
 * A user-given name as it appears in a message: in quotes, or as a JSON string when it holds spaces,
 * line breaks or other control characters, so that the message stays one unambiguous line.
 */
export function quoted(name: string): string {
  return /^[^\s\p{C}']+$/u.test(name) ? `'${name}'` : safeText(JSON.stringify(name));
}

// The error classes live in src/errors.ts; config code and older imports reach them here too.
export { ConfigError, NumericalError, ResourceError } from '../errors';

const SIZE_FIELDS = ['n', 'kappa', 'alpha', 'ell'] as const;

/**
 * Layers partial configs, later ones winning. Setting the batch size one way (n, kappa or alpha) in a
 * later layer drops the other ways from earlier layers, so `--n` overrides a preset's `kappa`.
 */
export function mergeConfigs(...layers: ConfigInput[]): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    checkPlainObject('config', layer);
    if (['n', 'kappa', 'alpha'].some((k) => Object.hasOwn(layer, k) && (layer as Record<string, unknown>)[k] !== undefined)) {
      for (const k of SIZE_FIELDS) delete out[k];
    }
    // defineProperty, not assignment: a key named __proto__ stays a (refused) field, not a prototype.
    for (const [k, v] of Object.entries(layer))
      if (v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out as ConfigInput;
}

/** Text cut to 40 characters, for a value shown in a message. */
const short = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** What a value is, in a few words, for errors: "a number (5)", "null", "an object", "an array", "a Map". */
export function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (isPlainObject(x)) return 'an object';
  if (typeof x === 'object') {
    const name = (Object.getPrototypeOf(x) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object with a prototype';
  }
  if (typeof x === 'string') return `a string (${JSON.stringify(short(x))})`;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `a ${typeof x} (${short(String(x))})`;
  return `a ${typeof x}`;
}

/** A plain object: {…} or Object.create(null) (from any realm); not null, an array, a Map or a class instance. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function checkPlainObject(field: string, x: unknown): asserts x is Record<string, unknown> {
  if (!isPlainObject(x)) throw new ConfigError(field, `must be a plain object of config fields such as {"d": 512, "p": 1024}, not ${kindOf(x)}`);
}

/**
 * A field's value as JSON carries it to the engine: JSON's own scalars as they are; anything JSON cannot
 * carry (a function, NaN, an object) as `{"$js": what it is}`, which the engine names in its refusal.
 */
function wireValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return { $js: kindOf(value) };
}

/** A partial config as the JSON text the engine's field table checks (unset fields left out). */
export function configJson(config: ConfigInput): string {
  const wire: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    // defineProperty, not assignment: a key named __proto__ stays a (refused) field, not a prototype.
    if (v !== undefined) Object.defineProperty(wire, k, { value: wireValue(v), enumerable: true });
  }
  return JSON.stringify(wire);
}

/**
 * Expands a config's `preset` without checking its fields: for callers that hand the result to an engine
 * call that checks them anyway (run, resolveConfig), so that a config is read once.
 */
export function expandPreset(input: unknown): ConfigInput {
  checkPlainObject('config', input);
  const { preset, ...fields } = input;
  if (preset === undefined) return fields as ConfigInput;
  if (typeof preset !== 'string') throw new ConfigError('preset', `must be a preset name (${PRESET_NAMES.join(', ')}), not ${kindOf(preset)}`);
  // An own-property lookup: "toString" or "__proto__" are not presets.
  const base = Object.hasOwn(PRESETS, preset) ? PRESETS[preset] : undefined;
  if (!base) throw new ConfigError('preset', `unknown preset ${quoted(preset)}; choose one of ${PRESET_NAMES.join(', ')}`);
  return mergeConfigs(base.config, fields as ConfigInput);
}

/**
 * Validates a partial config and expands its `preset`. The fields are checked by the engine's field table,
 * the one validator: a flag, a `--grid` value, a config file entry and an API field get the same message
 * for the same bad value.
 */
export function prepareConfig(input: unknown): ConfigInput {
  const config = expandPreset(input);
  engineCall((e) => e.checkConfig(configJson(config)));
  return config;
}

/**
 * Refuses a name that is no config field, with the engine's message for an unknown field (its flag and the
 * known fields), as a config holding it would be: for names given apart from a config (sweep grid axes).
 */
export function checkFieldName(name: string): void {
  if (Object.hasOwn(FIELDS, name)) return;
  // defineProperty: a name such as __proto__ stays a field.
  const config = Object.defineProperty({}, name, { value: null, enumerable: true });
  engineCall((e) => e.checkConfig(configJson(config)));
  throw new Error(`internal error: the engine took ${quoted(name)}, which is not in its field table`);
}

export { FIELD_NAMES, FIELDS, flagOf } from './fields';
export { PRESET_NAMES, PRESETS } from './presets';
export type * from './types';

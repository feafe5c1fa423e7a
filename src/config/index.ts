// Config input → validated, preset-expanded partial config for the engine.
import { configSchema, FIELDS, flagOf } from './fields';
import { PRESETS, PRESET_NAMES } from './presets';
import type { ConfigInput } from './types';

/** A config error that names the field at fault. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

const SIZE_FIELDS = ['n', 'kappa', 'alpha', 'ell'] as const;

/**
 * Layers partial configs, later ones winning. Setting the batch size one way (n, kappa or alpha) in a
 * later layer drops the other ways from earlier layers, so `--n` overrides a preset's `kappa`.
 */
export function mergeConfigs(...layers: ConfigInput[]): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (['n', 'kappa', 'alpha'].some((k) => (layer as Record<string, unknown>)[k] !== undefined)) {
      for (const k of SIZE_FIELDS) delete out[k];
    }
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out as ConfigInput;
}

/** Validates a partial config (field types and ranges) and expands its `preset`. */
export function prepareConfig(input: unknown): ConfigInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('config', 'must be an object of config fields');
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      throw new ConfigError(key, `unknown config field '${key}' (flag --${flagOf(key)}); known fields: ${Object.keys(FIELDS).join(', ')}`);
    }
    throw new ConfigError(String(issue.path[0] ?? 'config'), issue.message);
  }
  const { preset, ...rest } = parsed.data as ConfigInput;
  if (preset === undefined) return rest;
  const base = PRESETS[preset];
  if (!base) throw new ConfigError('preset', `unknown preset '${preset}'; choose one of ${PRESET_NAMES.join(', ')}`);
  return mergeConfigs(base.config, rest);
}

export { FIELDS, FIELD_NAMES, flagOf } from './fields';
export { PRESETS, PRESET_NAMES } from './presets';
export type * from './types';

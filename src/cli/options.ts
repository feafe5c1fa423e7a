// Turns the config field table into commander options, and flags back into a partial config.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ConfigInput } from '../config';
import { expandPreset, FIELD_NAMES, FIELDS, flagOf, mergeConfigs, prepareConfig } from '../config';
import type { FieldSpec } from '../config/fields';
import { fieldValueFromText } from '../config/fields';
import { readConfigFile } from '../config/input-file';

// Argument parsers shared by the commands' own options.
const fail = (what: string) => new InvalidArgumentError(`expected ${what}`);

export function numberArg(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || Number.isNaN(x)) throw fail('a number');
  return x;
}

export function positiveNumberArg(v: string): number {
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw fail('a number > 0');
  return x;
}

export function numberListArg(v: string): number[] {
  const xs = v.split(',').map((s) => s.trim());
  if (xs.some((s) => s === '' || Number.isNaN(Number(s)))) throw fail('comma-separated numbers');
  return xs.map(Number);
}

/**
 * What a nullable flag's parser returns for `null`: commander turns a parser's null into '' (it reads
 * null as "no value"), so the parser returns this and configFromFlags turns it back into null.
 */
const NULL_FLAG = Symbol('null');

/**
 * A flag's text read as every field text is (fieldValueFromText); what it cannot read is passed on as text, so
 * the config's validation refuses `--d 1.5` or `--symmetric maybe` with the message a config file gets.
 */
function parserOf(spec: FieldSpec): (value: string) => unknown {
  return (v) => {
    const value = fieldValueFromText(spec, v);
    return value === null ? NULL_FLAG : value;
  };
}

/** Adds one option per config field (but those in `except`), with the table's doc and default in --help. */
export function addConfigOptions(cmd: Command, except: readonly string[] = []): Command {
  for (const name of FIELD_NAMES) {
    if (except.includes(name)) continue;
    const spec = FIELDS[name] as FieldSpec;
    const value =
      spec.kind === 'bool'
        ? '[bool]'
        : spec.kind === 'enum'
          ? '<choice>'
          : spec.kind === 'int'
            ? '<int>'
            : spec.kind === 'number'
              ? '<number>'
              : spec.kind === 'seed'
                ? '<int>'
                : '<text>';
    const shown = spec.default;
    const choices = spec.kind === 'enum' ? ` (choices: ${(spec.choices as readonly string[]).join(', ')})` : '';
    const opt = new Option(`--${flagOf(name)} ${value}`, spec.doc + (shown !== undefined && shown !== null ? ` (default: ${shown})` : '') + choices);
    opt.argParser(parserOf(spec));
    // A bare boolean flag (--symmetric) is true: commander's own value for an optional argument left out,
    // without a preset that --help would print as (preset: "true").
    cmd.addOption(opt);
  }
  return cmd;
}

/** The config fields given as flags. */
export function configFromFlags(opts: Record<string, unknown>): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    let v = opts[name];
    if (v === undefined) continue;
    if (v === NULL_FLAG) v = null;
    if (FIELDS[name].kind === 'bool' && typeof v === 'string') v = fieldValueFromText(FIELDS[name] as FieldSpec, v);
    out[name] = v;
  }
  return out as ConfigInput;
}

/** A command's run config, layered preset < config file (which may name a preset) < flags, validated. */
export function configFromCommand(opts: Record<string, unknown> & { config?: string; preset?: string }): ConfigInput {
  const file = opts.config ? (readConfigFile(opts.config) as ConfigInput) : {};
  const preset = opts.preset ?? file.preset;
  const { preset: _ignored, ...fields } = file;
  // The file's fields are checked on their own, so that a bad value there is refused even where a flag
  // overrides it; the preset's are ours, and the merged config is checked once more with the flags.
  return prepareConfig(mergeConfigs(expandPreset(preset ? { preset } : {}), prepareConfig(fields), configFromFlags(opts)));
}

// The config fields: the engine's field table (src/generated/fields.ts, generated from the rows declared
// beside Config's fields in crates/core/src/config/mod.rs) drives the CLI flags with their help and defaults, the ConfigInput
// type and docs/config.md. Validation is the engine's own (`checkConfig`), against the same table.
import { FIELD_TABLE } from '../generated/fields';

type Row = (typeof FIELD_TABLE)[number];
export type FieldName = Row['name'];

/** One field's row: kind with range or choices, default, paper symbol, doc and details. */
export type FieldSpec = {
  name: string;
  doc: string;
  details: string;
  symbol: string;
  default: unknown;
  nullable?: boolean;
} & (
  | { kind: 'int'; min: number; max?: number; multipleOf?: number }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'seed' }
);

/** Every config field by name, in the table's order. */
export const FIELDS = Object.fromEntries(FIELD_TABLE.map((row) => [row.name, row])) as unknown as { [K in FieldName]: Extract<Row, { name: K }> };

export const FIELD_NAMES = FIELD_TABLE.map((row) => row.name) as FieldName[];

type ValueOf<R> = R extends { kind: 'enum'; choices: readonly (infer C)[] }
  ? C
  : R extends { kind: 'bool' }
    ? boolean
    : R extends { kind: 'string' }
      ? string
      : number;

/** A value a caller may give a field (with null where the field takes it). */
export type FieldValue<K extends FieldName> = ValueOf<RowOf<K>> | (RowOf<K> extends { nullable: true } ? null : never);
type RowOf<K extends FieldName> = Extract<Row, { name: K }>;

/** kebab-case flag of a field: nTest -> n-test. */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A decimal number as typed: `3`, `-1.5`, `2e-3` (not `0x10`, `''` or `1_000`, which Number would take or bend). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A field's value from its text (a CLI flag, a `--grid` value, a `--where` value): the one reading of field
 * text, so `--symmetric yes` and `--grid symmetric=yes` agree. Booleans take true/false, 1/0, yes/no; a
 * nullable field takes null or none; numbers are decimal; anything else is returned as the text, for the
 * config's validation to refuse with the same message as a config file or the API would get.
 */
export function fieldValueFromText(spec: FieldSpec, text: string): unknown {
  const t = text.trim();
  if (spec.nullable && /^(null|none)$/i.test(t)) return null;
  if (spec.kind === 'bool') {
    if (/^(true|1|yes)$/i.test(t)) return true;
    if (/^(false|0|no)$/i.test(t)) return false;
    return t;
  }
  if ((spec.kind === 'int' || spec.kind === 'number' || spec.kind === 'seed') && DECIMAL.test(t)) return Number(t);
  return t;
}

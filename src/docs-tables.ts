// The tables of docs/cli.md written from the code: the presets (from PRESETS) and the fields of a run's
// result (from the records below, typed by the result's own types, so that the compiler refuses a field
// without its line). `npm run contract` rewrites them between their marker comments; a test fails while
// docs/cli.md holds other tables than these.
import type { Baselines, Overlap, Result, StepRecord, TargetInfo } from './config';
import type { Preset } from './config/presets';
import { PRESETS } from './config/presets';

/** One line per field of a run's result (`giantstep run`'s JSON, `run()`'s `Result`). */
export const RESULT_FIELD_DOCS: { [K in keyof Result]-?: string } = {
  config: 'the fully resolved config: every field of [config.md](config.md), with `n`, `learningRate` and `seed`',
  version: 'the giantstep package version that ran it',
  engineVersion: "the engine's version",
  target: 'the target the run learned',
  initial: 'overlaps of W0, as `steps[t].overlap`',
  steps: 'one entry per gradient step; `steps[0]` is the first step and the weights after it',
  testError: 'readout on the final weights: mean (ŷ − y)² on `nTest` fresh samples (null when `nTest` is 0)',
  trainError: 'the same on the batch the readout was fitted on',
  baselines: 'what the run is compared with',
  timing: '`seconds` of the run, and seconds per stage (`steps`, `readout`, `test`, `preprocess`)',
  memoryEstimateBytes: "the engine's estimate of the run's peak memory",
};

/** One line per field of `result.target`. */
export const TARGET_FIELD_DOCS: { [K in keyof TargetInfo]-?: string } = {
  name: 'as the config gave it (a preset name or an expression)',
  expression: "the expression in u1, u2, … (a preset's definition)",
  k: 'the number of target directions',
  mean: 'E[y] over u ~ N(0, I_k), noise aside',
  variance: 'Var(y), noise aside',
  c1: 'C₁* = E[y u], the linear part (one entry per direction)',
};

/** One line per field of `result.steps[t]`. */
export const STEP_FIELD_DOCS: { [K in keyof StepRecord]-?: string } = {
  step: 'the step number, from 1',
  overlap: 'overlaps of the weights after this step (below)',
  updateCos: "for each of the first `trackNeurons` neurons, cos(Gᵢ, w*ⱼ) for each direction j (the notebooks' scatter)",
  inPlane: "ΔMᵢ/‖ΔMᵢ‖ with ΔM = (W_{t+1} − W_t) W*ᵀ: in-plane update directions (the paper's Figure 1)",
  meanUpdateNorm: 'mean ‖η Gᵢ‖ over neurons: the size of the step',
  testError: 'readout after this step (every step with `readoutEveryStep`, always the last; else null)',
  trainError: "the same on the readout's fitting batch",
  randomFeatures: 'with `readoutEveryStep`, `baselines` and `readoutBatch: "same"`: the random-features baseline fitted on this step\'s batch (else null)',
};

/** One line per field of an overlap (`initial`, `steps[t].overlap`). */
export const OVERLAP_FIELD_DOCS: { [K in keyof Overlap]-?: string } = {
  maxAbsCos: 'per target direction j, maxᵢ |cos(wᵢ, w*ⱼ)| over neurons',
  meanAbsCos: 'per direction, the mean over neurons of |cos(wᵢ, w*ⱼ)|',
  fracAbove: 'per direction, the fraction of neurons with |cos(wᵢ, w*ⱼ)| above `cosThreshold`',
  singularValues: 'singular values of (1/√p) Ŵ W*ᵀ (rows of W normalized), largest first: how many directions the neurons span',
  meanNorm: 'mean row norm ‖wᵢ‖',
  neuronCos: 'cos(wᵢ, w*ⱼ) of the first `trackNeurons` neurons (rows) and each direction',
};

/** One line per field of `result.baselines`. */
export const BASELINE_FIELD_DOCS: { [K in keyof Baselines]-?: string } = {
  randomFeatures: '`testError`, `trainError` of the same readout on W0 (T = 0), on the same data (null with `baselines: false`)',
  linearKernel: "`testError`: Var(y) − ‖C₁*‖² + noise, the best linear predictor's population error",
};

type Row = string[];

const code = (text: string) => `\`${text}\``;

/** A markdown table; `|` in a cell is escaped. */
function table(header: Row, rows: Row[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const line = (row: Row) => `| ${row.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---|').join('')}`, ...rows.map(line)].join('\n');
}

/** The rows of a record of field docs, each field under `prefix`. */
const rowsOf = (prefix: string, docs: Record<string, string>): Row[] => Object.entries(docs).map(([k, doc]) => [code(`${prefix}${k}`), doc]);

/** docs/cli.md's table of a run's result fields, nested fields under their parent. */
export function resultFieldsTable(): string {
  const nested: Record<string, Row[]> = {
    target: rowsOf('target.', TARGET_FIELD_DOCS),
    // An overlap's fields right under steps[t].overlap.
    steps: rowsOf('steps[t].', STEP_FIELD_DOCS).flatMap((row) =>
      row[0] === code('steps[t].overlap') ? [row, ...rowsOf('steps[t].overlap.', OVERLAP_FIELD_DOCS)] : [row],
    ),
    baselines: rowsOf('baselines.', BASELINE_FIELD_DOCS),
  };
  const rows = Object.entries(RESULT_FIELD_DOCS).flatMap(([k, doc]): Row[] => [[code(k), doc], ...(nested[k] ?? [])]);
  return table(['field', 'meaning'], rows);
}

/** A preset's fields as the docs show them: `d` 512, `etaRule` p-d, … */
function presetFields(preset: Preset): string {
  return Object.entries(preset.config)
    .map(([k, v]) => `${code(k)} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** docs/cli.md's presets table: name, description and fields of every preset, in PRESETS' order. */
export function presetsTable(): string {
  return table(
    ['name', 'what', 'fields'],
    Object.entries(PRESETS).map(([name, preset]) => [code(name), preset.description, presetFields(preset)]),
  );
}

/** The generated tables by their marker's name. */
export const GENERATED_TABLES: Record<string, () => string> = {
  presets: presetsTable,
  'result-fields': resultFieldsTable,
};

/** A block: its opening marker's line, the lines up to the first closing marker, that marker. */
const BLOCK = /(<!-- generated: ([\w-]+) -->\n)(?:(?!<!-- end generated -->)[^\n]*\n)*(<!-- end generated -->)/g;

/**
 * `markdown` with every block between `<!-- generated: NAME -->` and `<!-- end generated -->` replaced by
 * the table NAME as the code gives it today. Throws on an unknown name or a table without its block.
 */
export function withGeneratedTables(markdown: string): string {
  const seen = new Set<string>();
  const out = markdown.replace(BLOCK, (_, open: string, name: string, close: string) => {
    const generate = Object.hasOwn(GENERATED_TABLES, name) ? GENERATED_TABLES[name] : undefined;
    if (!generate) throw new Error(`unknown generated table ${JSON.stringify(name)}; known: ${Object.keys(GENERATED_TABLES).join(', ')}`);
    seen.add(name);
    return `${open}${generate()}\n${close}`;
  });
  const missing = Object.keys(GENERATED_TABLES).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`no <!-- generated: ${missing[0]} --> … <!-- end generated --> block`);
  return out;
}

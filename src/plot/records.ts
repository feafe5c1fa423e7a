// A figure from any set of result records (a sweep's JSONL lines): y against x per series, the mean over
// the records that share (series, x) — the seeds — with std or s.e. bars, theory curves and baselines.
import { randomFeaturesLabel } from '../baselines';
import { ConfigError, FIELDS } from '../config';
import { checkPooling, pooledText, whereFilter } from '../pooling';
import { uniqueRuns } from './jsonl';
import type { FieldPath } from './metric-path';
import { parseField } from './metric-path';
import type { CurvePoint, ErrorKind, MeasuredPoint, VegaLiteSpec } from './spec';
import { ERROR_LABEL, lineChart } from './spec';
import { sampleStats } from './stats';

export interface TheoryCurve {
  /** The theory JSON (e.g. from `giantstep theory one-step`): an array of points or an object holding one. */
  curve: unknown;
  x: string;
  y: string;
  /** Legend label; the label of a simulated series gives the curve that series' colour. */
  label: string;
}

export interface RecordPlotOptions {
  x: string;
  /** One or more y fields; several become separate series. */
  y: string[];
  series?: string;
  error?: ErrorKind;
  logX?: boolean;
  logY?: boolean;
  theory?: TheoryCurve[];
  /** Overlay random features (per x) and the linear kernel (a line) when the records have them. */
  baselines?: boolean;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Where the records came from, for the caption. */
  source?: string;
  /** Keep only runs matching every FIELD=V1,V2 item. */
  where?: string[];
  /** Config fields a point may average over besides the seeds (otherwise runs that differ in them are refused). */
  pool?: string[];
}

/** Config fields worth naming in a caption when every record shares them. */
const CAPTION_FIELDS = [
  'target',
  'activation',
  'd',
  'p',
  'n',
  'kappa',
  'alpha',
  'steps',
  'eta',
  'etaRule',
  'lambda',
  'nTest',
  'preprocess',
  'readoutBatch',
  'initA',
  'initW',
];

function sharedConfig(records: unknown[]): string {
  const parts: string[] = [];
  for (const name of CAPTION_FIELDS) {
    const field = parseField(`config.${name}`);
    const values = new Set(records.map((r) => field.get(r)));
    const [only] = [...values];
    if (values.size === 1 && only !== undefined && only !== null) parts.push(`${name} = ${typeof only === 'number' ? +only.toPrecision(6) : only}`);
  }
  return parts.join(', ');
}

/** A config field's paper symbol, from the field table. */
const symbol = (name: keyof typeof FIELDS): string => FIELDS[name].symbol || name;

/** Readable axis titles for common fields (symbols from the field table); anything else is labelled by its path. */
export const AXIS_TITLES: Record<string, string> = {
  kappa: `${symbol('kappa')} = log n / log d`,
  alpha: `${symbol('alpha')} = n / d`,
  n: `batch size ${symbol('n')}`,
  p: `width ${symbol('p')}`,
  d: `input dimension ${symbol('d')}`,
  steps: `giant steps ${symbol('steps')}`,
  testError: 'test error (mean squared error)',
  trainError: 'training error (mean squared error)',
  'timing.seconds': 'run time (s)',
};

export function axisTitle(field: FieldPath): string {
  const bare = field.path.replace(/^config\./, '');
  const known = field.reducer ? undefined : AXIS_TITLES[bare];
  return known ?? field.text;
}

/** The array of points inside a theory JSON. */
export function theoryPoints(curve: unknown): unknown[] {
  if (Array.isArray(curve)) return curve;
  const obj = curve as Record<string, unknown>;
  for (const key of ['points', 'rows', 'curve', 'steps']) if (Array.isArray(obj?.[key])) return obj[key] as unknown[];
  throw new Error('a theory curve is an array of points or an object with `points`');
}

function numberOf(field: FieldPath, record: unknown): number | undefined {
  const v = field.get(record);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function measuredPoints(records: unknown[], x: FieldPath, y: FieldPath, series: (r: unknown) => string, error: ErrorKind): MeasuredPoint[] {
  const groups = new Map<string, { x: number; series: string; ys: number[] }>();
  for (const r of records) {
    const xv = numberOf(x, r);
    const yv = numberOf(y, r);
    if (xv === undefined || yv === undefined) continue;
    const s = series(r);
    const key = `${s}\u0000${xv}`;
    const g = groups.get(key) ?? { x: xv, series: s, ys: [] };
    g.ys.push(yv);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => {
      const st = sampleStats(g.ys);
      return { x: g.x, y: st.mean, lo: st.mean - st[error], hi: st.mean + st[error], count: st.count, series: g.series };
    })
    .sort((a, b) => a.x - b.x);
}

export function plotRecords(all: unknown[], options: RecordPlotOptions): VegaLiteSpec {
  // A run written twice counts once (its error bars would otherwise shrink).
  const records = uniqueRuns(all).records.filter(whereFilter(options.where));
  if (options.where?.length && records.length === 0) throw new ConfigError('where', `no run matches ${options.where.join(' and ')}`);
  const error = options.error ?? 'std';
  const x = parseField(options.x);
  const ys = options.y.map(parseField);
  const series = options.series ? parseField(options.series) : undefined;
  const seriesName = (y: FieldPath) => (r: unknown) => {
    const s = series ? `${series.text} = ${series.get(r) ?? 'n/a'}` : '';
    return ys.length > 1 ? (s ? `${y.text}, ${s}` : y.text) : s || y.text;
  };
  const measured = ys.flatMap((y) => measuredPoints(records, x, y, seriesName(y), error));
  if (measured.length === 0) {
    // Blame the field that no record has, and suggest the nearest one a record does have.
    for (const [flag, field] of [['x', x] as const, ...ys.map((y) => ['y', y] as const)]) {
      if (!records.some((r) => numberOf(field, r) !== undefined)) {
        const hint = nearestField(field.path.replace(/^config\./, ''), records);
        throw new ConfigError(flag, `no record has a number at ${field.text}${hint ? `; did you mean ${hint}?` : ''}`);
      }
    }
    throw new Error(`no record has numbers at both ${x.text} and ${ys.map((y) => y.text).join(', ')}`);
  }
  // Every point averages the seeds of one (series, x) and nothing else nobody named.
  const pointOf = (r: unknown) => JSON.stringify([series ? (series.get(r) ?? null) : null, x.get(r) ?? null]);
  const pooled = checkPooling(
    records.filter((r) => numberOf(x, r) !== undefined),
    pointOf,
    options.pool ?? [],
    '--series',
  );

  const theory: CurvePoint[] = (options.theory ?? []).flatMap((t) => {
    const tx = parseField(t.x);
    const ty = parseField(t.y);
    // A theory answer computed for one config (theory overlaps, error) belongs to that config's series:
    // it takes the series' name, so it gets its colour and is not joined with another series' curve.
    const own = series ? series.get(t.curve) : undefined;
    const label = own !== undefined && ys.length === 1 ? seriesName(ys[0])({ config: (t.curve as { config?: unknown }).config }) : t.label;
    const points = theoryPoints(t.curve)
      .map((p) => ({ x: numberOf(tx, p), y: numberOf(ty, p), series: label }))
      .filter((p): p is CurvePoint => p.x !== undefined && p.y !== undefined);
    if (points.length === 0) throw new Error(`theory curve '${t.label}': no point has numbers at ${t.x} and ${t.y}`);
    return points.sort((a, b) => a.x - b.x);
  });
  const baselines: { y: number; series: string }[] = [];
  if (options.baselines) {
    // Lines cut from one engine run (one per step count) share its random-features fit: take those of the
    // fewest steps, so each seed counts once.
    const steps = parseField('config.steps');
    const fewest = records.reduce<number>((m, r) => Math.min(m, Number(steps.get(r) ?? 0)), Infinity);
    const once = records.filter((r) => Number(steps.get(r) ?? 0) === fewest);
    const preprocessOf = (r: unknown) => {
      const v = parseField('config.preprocess').get(r);
      return typeof v === 'string' ? v : 'none';
    };
    const preprocess = new Set(once.map(preprocessOf));
    const label = preprocess.size === 1 ? randomFeaturesLabel([...preprocess][0]) : 'random features (+ linear part where pre-processed)';
    const rf = parseField('baselines.randomFeatures.testError');
    // Random features follow the series (but not a steps series: W₀ has taken no step), and against a
    // steps axis they are flat: the readout on W₀ does not change with the number of steps.
    const isSteps = (f: FieldPath) => f.path === 'steps' || f.path === 'config.steps';
    const bySeries = series !== undefined && !isSteps(series);
    const rfSeries = (r: unknown) => (bySeries ? `${label}, ${series.text} = ${series.get(r) ?? 'n/a'}` : label);
    if (isSteps(x)) {
      const groups = new Map<string, number[]>();
      for (const r of once) {
        const v = numberOf(rf, r);
        if (v === undefined) continue;
        const name = rfSeries(r);
        const values = groups.get(name) ?? [];
        values.push(v);
        groups.set(name, values);
      }
      for (const [name, values] of groups) baselines.push({ y: sampleStats(values).mean, series: name });
    } else measured.push(...measuredPoints(once, x, rf, rfSeries, error));
    const lk = records.map((r) => numberOf(parseField('baselines.linearKernel.testError'), r)).filter((v): v is number => v !== undefined);
    if (lk.length) baselines.push({ y: sampleStats(lk).mean, series: 'linear kernel' });
  }
  const seeds = new Set(records.map((r) => parseField('config.seed').get(r))).size;
  const caption = [
    `${records.length} runs${options.source ? ` from ${options.source}` : ''}, ${seeds} seed${seeds === 1 ? '' : 's'}; error bars: ${ERROR_LABEL[error].replace('mean ± ', '').replace('over seeds', `over ${pooledText(pooled)}`)}`,
    sharedConfig(records),
  ].filter(Boolean);
  return lineChart({
    title: options.title ?? `${ys.map((y) => y.text).join(', ')} against ${x.text}`,
    caption,
    x: { title: options.xTitle ?? axisTitle(x), log: options.logX },
    y: { title: options.yTitle ?? (ys.length === 1 ? axisTitle(ys[0]) : 'value'), log: options.logY },
    seriesTitle: series?.text ?? (ys.length > 1 ? 'field' : 'series'),
    error,
    measured,
    theory,
    baselines,
  });
}

/** The config field or top-level result field closest to `name` (at most two edits away), if any. */
function nearestField(name: string, records: unknown[]): string | undefined {
  const first = records[0] as { config?: Record<string, unknown> } & Record<string, unknown>;
  const names = [...Object.keys(first?.config ?? {}), ...Object.keys(first ?? {}).filter((k) => k !== 'config')];
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === name ? undefined : best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

// Figure specs as vega-lite JSON: a few chart kinds the paper's figures need, each from tidy rows.
// Every chart carries its caption (parameters, what the error bars are) in the title's subtitle.

/** The font every figure asks for; DejaVu Sans is on most Linux machines (Debian: fonts-dejavu-core). */
export const FIGURE_FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface AxisSpec {
  title: string;
  log?: boolean;
  domain?: [number, number];
}

/** Splits the figure into panels: `column` and `row` name fields of the rows. */
/** A panel dimension; `sort` lists its values in display order (default: alphabetical). */
export interface Facet {
  field: string;
  title: string;
  sort?: string[];
}

export interface Facets {
  column?: Facet;
  row?: Facet;
}

export type ErrorKind = 'std' | 'sem';

export const ERROR_LABEL: Record<ErrorKind, string> = { std: 'mean ± std over seeds', sem: 'mean ± s.e. over seeds' };

/** One simulated point: the mean over seeds and its error bar. */
export interface MeasuredPoint {
  x: number;
  y: number;
  lo: number;
  hi: number;
  count: number;
  series: string;
  [facet: string]: unknown;
}

export interface CurvePoint {
  x: number;
  y: number;
  series: string;
  [facet: string]: unknown;
}

export interface LineChartInput {
  title: string;
  caption: string[];
  x: AxisSpec;
  y: AxisSpec;
  /** Legend title of the simulated series (e.g. "steps"). */
  seriesTitle: string;
  error: ErrorKind;
  measured: MeasuredPoint[];
  /** Theory curves, drawn dashed. */
  theory?: CurvePoint[];
  /** Horizontal lines (e.g. the linear-kernel error); `series` labels them. */
  baselines?: { y: number; series: string; [facet: string]: unknown }[];
  facets?: Facets;
  width?: number;
  height?: number;
}

function scaleOf(axis: AxisSpec): Record<string, unknown> {
  // A "nice" log domain rounds out to whole decades, squeezing the data into a corner.
  // Padding keeps points and error bars at the ends of the domain off the axes.
  return { ...(axis.log ? { type: 'log', nice: false } : { zero: false }), ...(axis.domain ? { domain: axis.domain } : { padding: 10 }) };
}

/** Caption lines of at most `width` characters (vega sizes a figure by estimated text width). */
export function wrapCaption(lines: string[], width = 84): string[] {
  return lines.flatMap((line) => {
    const out: string[] = [];
    let current = '';
    for (const word of line.split(' ')) {
      if (current && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    return current ? [...out, current] : out;
  });
}

/** An axis title in lines that fit `pixels` (vega estimates ~0.75 em per character; an overlong rotated
 * y title would otherwise stretch the panel). */
export function axisTitleLines(title: string, pixels: number, fontSize = 12): string | string[] {
  const lines = wrapCaption([title], Math.max(12, Math.floor(pixels / (0.75 * fontSize))));
  return lines.length === 1 ? lines[0] : lines;
}

function header(title: string, caption: string[]): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: wrapCaption(caption), anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#444', offset: 12 },
    config: {
      font: FIGURE_FONT,
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 250 },
      header: { labelFontSize: 12, titleFontSize: 12 },
    },
    background: 'white',
  };
}

/** Wraps layers over one data set in panels when facets are asked for. */
function panels(
  base: Record<string, unknown>,
  values: unknown[],
  layer: unknown[],
  facets: Facets | undefined,
  size: { width: number; height: number },
): VegaLiteSpec {
  const data = { values };
  if (!facets?.column && !facets?.row) return { ...base, data, ...size, layer };
  const facet: Record<string, unknown> = {};
  const channel = (f: Facet) => ({ field: f.field, type: 'ordinal', title: f.title, ...(f.sort ? { sort: f.sort } : {}) });
  if (facets.column) facet.column = channel(facets.column);
  if (facets.row) facet.row = channel(facets.row);
  return { ...base, data, facet, spec: { ...size, layer }, resolve: { scale: { y: 'independent' } } };
}

/**
 * Baselines at the same height (within 1e-9, relative) in the same panel become one line labelled with
 * both names (`linear kernel = best function of u1`): drawn apart, the second would hide the first.
 */
export function mergeCoincidingBaselines(baselines: NonNullable<LineChartInput['baselines']>): NonNullable<LineChartInput['baselines']> {
  const merged: NonNullable<LineChartInput['baselines']> = [];
  const panelOf = ({ y: _y, series: _s, ...facets }: (typeof baselines)[number]) => JSON.stringify(facets);
  for (const b of baselines) {
    const same = merged.find((m) => panelOf(m) === panelOf(b) && Math.abs(m.y - b.y) <= 1e-9 * Math.max(Math.abs(m.y), Math.abs(b.y)));
    if (!same) merged.push({ ...b });
    else if (!same.series.split(' = ').includes(b.series)) same.series = `${same.series} = ${b.series}`;
  }
  return merged;
}

/**
 * Lines with error bars over seeds, dashed theory curves and horizontal baselines; one colour per series
 * and one legend that names every line.
 */
export function lineChart(input: LineChartInput): VegaLiteSpec {
  const baselines = mergeCoincidingBaselines(input.baselines ?? []);
  const rows = [
    ...input.measured.map((p) => ({ ...p, layer: 'measured', style: `simulation (${ERROR_LABEL[input.error]})` })),
    ...(input.theory ?? []).map((p) => ({ ...p, layer: 'theory', style: 'theory' })),
    ...baselines.map((p) => ({ ...p, layer: 'baseline', style: 'baseline' })),
  ];
  const width = input.width ?? 440;
  const height = input.height ?? 300;
  // An axis of whole numbers (steps, widths) gets whole-number ticks, not 0.8 and 1.2.
  const xs = [...input.measured, ...(input.theory ?? [])].map((p) => p.x);
  const whole = xs.length > 0 && xs.every((v) => Number.isInteger(v)) && !input.x.log;
  const xAxis = whole ? { tickCount: 8, tickMinStep: 1, format: 'd' } : { tickCount: 8 };
  const x = { field: 'x', type: 'quantitative', title: axisTitleLines(input.x.title, width), scale: scaleOf(input.x), axis: xAxis };
  const y = { field: 'y', type: 'quantitative', title: axisTitleLines(input.y.title, height), scale: scaleOf(input.y) };
  const seriesOrder = [...new Set(rows.map((r) => r.series))];
  const color = { field: 'series', type: 'nominal', title: input.seriesTitle, scale: { domain: seriesOrder }, sort: seriesOrder };
  const styles = [`simulation (${ERROR_LABEL[input.error]})`, 'theory', 'baseline'].filter((s) => rows.some((r) => r.style === s));
  const dash = {
    field: 'style',
    type: 'nominal',
    title: 'line',
    legend: { encode: { symbols: { update: { stroke: { value: '#333' } } } } },
    scale: { domain: styles, range: styles.map((s) => (s === 'theory' ? [6, 3] : s === 'baseline' ? [2, 2] : [1, 0])) },
  };
  const only = (layer: string) => ({ filter: `datum.layer === '${layer}'` });
  // With a fixed domain, what falls outside is cut at the axes rather than drawn over them.
  const clip = Boolean(input.x.domain || input.y.domain);
  const layer: unknown[] = [
    { transform: [only('measured')], mark: { type: 'rule', strokeWidth: 1.2, clip }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
    {
      transform: [only('measured')],
      mark: { type: 'line', point: { size: 28, filled: true }, strokeWidth: 1.8, clip },
      encoding: {
        x,
        y,
        color,
        strokeDash: dash,
        tooltip: [
          { field: 'series' },
          { field: 'x' },
          { field: 'y', format: '.4f' },
          { field: 'lo', format: '.4f' },
          { field: 'hi', format: '.4f' },
          { field: 'count', title: 'seeds' },
        ],
      },
    },
  ];
  if (input.theory?.length)
    layer.push({ transform: [only('theory')], mark: { type: 'line', strokeWidth: 1.6, clip }, encoding: { x, y, color, strokeDash: dash } });
  if (baselines.length > 0)
    layer.push({ transform: [only('baseline')], mark: { type: 'rule', strokeWidth: 1.5, clip }, encoding: { y, color, strokeDash: dash } });
  return panels(header(input.title, input.caption), rows, layer, input.facets, { width, height });
}

export interface ScatterChartInput {
  title: string;
  caption: string[];
  x: AxisSpec;
  y: AxisSpec;
  colorTitle: string;
  /** Points: `x`, `y`, `group` (colour), plus facet fields. */
  points: { x: number; y: number; group: string; [facet: string]: unknown }[];
  /** Theory lines as polylines: `line` names one, points in order. */
  lines?: { x: number; y: number; line: string; [facet: string]: unknown }[];
  facets?: Facets;
  size?: number;
}

/** Points coloured by group, with theory lines (solid grey) drawn under them; square panels. */
export function scatterChart(input: ScatterChartInput): VegaLiteSpec {
  const rows = [...input.points.map((p) => ({ ...p, layer: 'points' })), ...(input.lines ?? []).map((p) => ({ ...p, layer: 'line' }))];
  const side = input.size ?? 220;
  const x = { field: 'x', type: 'quantitative', title: axisTitleLines(input.x.title, side), scale: scaleOf(input.x) };
  const y = { field: 'y', type: 'quantitative', title: axisTitleLines(input.y.title, side), scale: scaleOf(input.y) };
  const layer: unknown[] = [];
  if (input.lines?.length) {
    layer.push({
      transform: [{ filter: "datum.layer === 'line'" }],
      mark: { type: 'line', color: '#888', strokeWidth: 1.4, clip: true },
      encoding: { x, y, detail: { field: 'line' }, strokeDash: { field: 'line', type: 'nominal', title: 'theory' }, order: { field: 'order' } },
    });
  }
  layer.push({
    transform: [{ filter: "datum.layer === 'points'" }],
    mark: { type: 'point', filled: true, size: 34, opacity: 0.75 },
    encoding: { x, y, color: { field: 'group', type: 'nominal', title: input.colorTitle, legend: { symbolType: 'circle' } } },
  });
  const withOrder = rows.map((r, i) => ({ ...r, order: i }));
  const spec = panels(header(input.title, input.caption), withOrder, layer, input.facets, { width: side, height: side });
  if (spec.resolve) delete spec.resolve; // shared axes: the panels are compared by eye
  return spec;
}

export interface HeatmapInput {
  title: string;
  caption: string[];
  x: { title: string };
  y: { title: string };
  colorTitle: string;
  /** One cell per (x, y): `value` colours it, `label` is printed in it. */
  cells: { x: string | number; y: string; value: number; label: string }[];
  /** Order of the rows, top to bottom. */
  rowOrder?: string[];
  colorDomain?: [number, number];
  /** Width of a cell in pixels (default 40). */
  cellWidth?: number;
}

/** Cells coloured by a value and labelled with text; x and y are ordinal. */
export function heatmap(input: HeatmapInput): VegaLiteSpec {
  const x = { field: 'x', type: 'ordinal', title: input.x.title, sort: null, axis: { labelAngle: 0 } };
  const y = { field: 'y', type: 'ordinal', title: input.y.title, sort: input.rowOrder ?? null, axis: { labelLimit: 0 } };
  return {
    ...header(input.title, input.caption),
    data: { values: input.cells },
    width: { step: input.cellWidth ?? 40 },
    height: { step: 30 },
    layer: [
      {
        mark: 'rect',
        encoding: {
          x,
          y,
          color: {
            field: 'value',
            type: 'quantitative',
            title: input.colorTitle,
            scale: { scheme: 'blues', ...(input.colorDomain ? { domain: input.colorDomain } : {}) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'label' },
          color: {
            condition: { test: `datum.value > ${input.colorDomain ? (input.colorDomain[0] + input.colorDomain[1]) / 2 : 0.5}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}

// Figures: vega-lite specs for the paper's chart kinds, a figure from any result records, headless
// rendering to SVG and PNG.

export { readRecords, uniqueRuns } from './jsonl';
export type { FieldPath } from './metric-path';
export { parseField, REDUCER_NAMES } from './metric-path';
export type { RecordPlotOptions, TheoryCurve } from './records';
export { axisTitle, measuredPoints, plotRecords, theoryPoints } from './records';
export type { FigureFormat } from './render';
export { figureTarget, renderSvg, svgToPng, writeFigure } from './render';
export type { AxisSpec, CurvePoint, ErrorKind, Facets, HeatmapInput, LineChartInput, MeasuredPoint, ScatterChartInput, VegaLiteSpec } from './spec';
export { ERROR_LABEL, heatmap, lineChart, scatterChart } from './spec';

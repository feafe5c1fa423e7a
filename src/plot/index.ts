// Figures: vega-lite specs for the paper's chart kinds, a figure from any result records, headless
// rendering to SVG and PNG.
export { plotRecords, measuredPoints, theoryPoints, axisTitle } from './records';
export type { RecordPlotOptions, TheoryCurve } from './records';
export { lineChart, scatterChart, heatmap, ERROR_LABEL } from './spec';
export type { AxisSpec, CurvePoint, ErrorKind, Facets, HeatmapInput, LineChartInput, MeasuredPoint, ScatterChartInput, VegaLiteSpec } from './spec';
export { renderSvg, svgToPng, writeFigure, figureTarget } from './render';
export type { FigureFormat } from './render';
export { parseField, REDUCER_NAMES } from './fields';
export type { FieldPath } from './fields';
export { readRecords, uniqueRuns } from './jsonl';

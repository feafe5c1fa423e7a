/// <reference types="node" preserve="true" />
// Headless rendering: vega-lite spec → vega → SVG (vega's string renderer, no canvas), SVG → PNG (resvg).
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Resvg as ResvgType } from '@resvg/resvg-js';
import { checkOutPath, writeAtomic } from '../output';
import { hasUnsafeChars, safeText } from '../text';
import { importEsm } from './esm';
import type { VegaLiteSpec } from './spec';

interface VegaLiteModule {
  compile(spec: VegaLiteSpec, options: { logger: object }): { spec: object };
}
interface VegaModule {
  parse(spec: object): object;
  View: new (runtime: object, options: { renderer: 'none'; logLevel: number }) => { toSVG(scale?: number): Promise<string>; finalize(): void };
  Error: number;
  logger(level: number): object;
}

const PNG_FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

/**
 * The spec with every string made safe to show (control and bidi characters as `\u{…}`): XML forbids most
 * control characters, so an ESC in a --title or a label made an SVG that no parser reads.
 */
function printable<T>(value: T): T {
  if (typeof value === 'string') return (hasUnsafeChars(value) ? safeText(value, Number.MAX_SAFE_INTEGER) : value) as T;
  if (Array.isArray(value)) return value.map(printable) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [printable(k), printable(v)])) as T;
  }
  return value;
}

export const renderSvg = (spec: VegaLiteSpec): Promise<string> => renderPrintable(printable(spec));

/** SVG of a spec whose strings are already printable. */
async function renderPrintable(spec: VegaLiteSpec): Promise<string> {
  const [vl, vega] = await Promise.all([importEsm<VegaLiteModule>('vega-lite'), importEsm<VegaModule>('vega')]);
  // Only errors: compiler notes (e.g. "Maximum optimization runs reached") are not for users.
  const compiled = vl.compile(spec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at `scale`× the SVG's size on a white background. Text needs a system font (FIGURE_FONT in spec.ts). */
export function svgToPng(svg: string, scale = 2): Buffer {
  // Loaded on first use: the API's users who never draw do not load the native renderer.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require('@resvg/resvg-js') as { Resvg: typeof ResvgType };
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      fontFiles: PNG_FONT_FILES.filter((f) => existsSync(f)),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

export type FigureFormat = 'svg' | 'png';

/**
 * Renders a spec and writes `<base>.svg` and/or `<base>.png` (at `pngScale`× the SVG's size), and always
 * `<base>.vl.json` (the spec, so users can restyle the figure). Returns the paths written. Each file is
 * written atomically and only over a regular file or a new path (src/output.ts): every path is checked
 * before anything is rendered.
 */
export async function writeFigure(spec: VegaLiteSpec, base: string, formats: FigureFormat[] = ['svg', 'png'], pngScale = 2): Promise<string[]> {
  const paths = [`${base}.vl.json`, ...(['svg', 'png'] as const).filter((f) => formats.includes(f)).map((f) => `${base}.${f}`)];
  for (const path of paths) checkOutPath(path);
  const shown = printable(spec);
  const svg = await renderPrintable(shown);
  const written: string[] = [];
  const write = (path: string, data: string | Buffer) => {
    writeAtomic(path, data);
    written.push(path);
  };
  write(`${base}.vl.json`, JSON.stringify(shown, null, 2) + '\n');
  if (formats.includes('svg')) write(`${base}.svg`, svg);
  if (formats.includes('png')) write(`${base}.png`, svgToPng(svg, pngScale));
  return written;
}

/** Splits `fig.svg` / `fig.png` into its base path and format. */
export function figureTarget(path: string): { base: string; format: FigureFormat } {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new Error(`${path}: a figure is written as .svg or .png`);
  return { base: path.slice(0, -ext.length), format: ext.slice(1) as FigureFormat };
}

// `giantstep report`: gathers a folder's reproductions (summary.json + figures, in the folder or one level
// down) and any other SVG figures into one self-contained HTML page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { checkOutPath, writeAtomic } from '../files';
import type { ReproductionSummary } from '../reproduce';
import { FIGURE_NAMES, SUMMARY_FILE } from '../reproduce';
import { version } from '../version';
import type { LooseFigure, ReportInput } from './html';
import { renderReport } from './html';

function readSummary(dir: string): ReproductionSummary | undefined {
  const path = join(dir, SUMMARY_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ReproductionSummary) : undefined;
}

const subfolders = (dir: string) =>
  readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isDirectory())
    .sort();

function svgFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.svg'))
    .map((f) => join(dir, f))
    .sort();
}

function looseFigure(root: string, svgPath: string): LooseFigure {
  const specPath = svgPath.replace(/\.svg$/, '.vl.json');
  let title = relative(root, svgPath);
  let caption: string[] = [];
  if (existsSync(specPath)) {
    const t = JSON.parse(readFileSync(specPath, 'utf8')).title;
    if (typeof t === 'string') title = t;
    else if (t) [title, caption] = [t.text ?? title, t.subtitle ?? []];
  }
  return { path: relative(root, svgPath), svg: readFileSync(svgPath, 'utf8'), title, caption };
}

/** Everything the report shows, gathered from `dir`. */
export function gatherReport(dir: string): ReportInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder`);
  const folders = [dir, ...subfolders(dir)];
  const reproductions: ReportInput['reproductions'] = [];
  const loose: LooseFigure[] = [];
  for (const folder of folders) {
    const summary = readSummary(folder);
    const listed = new Set(summary?.figures.map((f) => join(folder, f.svg)) ?? []);
    if (summary) {
      const figures: Record<string, string> = {};
      for (const f of summary.figures) {
        // Only a figure file inside its folder: a summary.json must not pull other files into the page.
        const inside = typeof f.svg === 'string' && typeof f.name === 'string' && !isAbsolute(f.svg) && !f.svg.split(/[\\/]/).includes('..');
        if (inside && existsSync(join(folder, f.svg))) figures[f.name] = readFileSync(join(folder, f.svg), 'utf8');
      }
      reproductions.push({ summary, dir: relative(dir, folder) || '.', figures });
    }
    for (const svg of svgFiles(folder)) if (!listed.has(svg)) loose.push(looseFigure(dir, svg));
  }
  const order = (s: ReproductionSummary) => (FIGURE_NAMES.includes(s.figure) ? FIGURE_NAMES.indexOf(s.figure) : FIGURE_NAMES.length);
  reproductions.sort((a, b) => order(a.summary) - order(b.summary));
  if (!reproductions.length && !loose.length)
    throw new Error(`${dir}: no summary.json or .svg figures here or one folder down (run \`giantstep reproduce\` or \`giantstep plot\` first)`);
  return {
    title: 'giantstep: reproducing "How Two-Layer Neural Networks Learn, One (Giant) Step at a Time"',
    generatedAt: new Date().toISOString(),
    version,
    reproductions,
    loose,
  };
}

/** Writes the report of `dir` to `out` (default dir/report.html) and returns its path. */
export function writeReport(dir: string, out = join(dir, 'report.html')): { path: string; figures: number; reproductions: number } {
  checkOutPath(out); // a regular file or a new path, written atomically (src/files.ts)
  const input = gatherReport(dir);
  writeAtomic(out, renderReport(input));
  const figures = input.reproductions.reduce((s, r) => s + Object.keys(r.figures).length, 0) + input.loose.length;
  return { path: out, figures, reproductions: input.reproductions.length };
}

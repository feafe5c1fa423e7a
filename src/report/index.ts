// `giantstep report`: gathers a folder's reproductions (summary.json + figures, in the folder or one level
// down) and any other SVG figures into one self-contained HTML page.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ConfigError } from '../errors';
import { checkOutPath, writeAtomic } from '../output';
import type { ReproductionSummary } from '../reproduce';
import { FIGURE_NAMES, SUMMARY_FILE } from '../reproduce';
import { version } from '../version';
import type { LooseFigure, ReportInput } from './html';
import { renderReport } from './html';

/** Largest file the report reads: a figure or a summary is far smaller; a larger one is not ours. */
const MAX_READ_BYTES = 64 << 20;

/**
 * The text of `path` when it is a regular file (not a link, device, pipe or folder) of at most
 * MAX_READ_BYTES inside `root`; undefined otherwise. A summary.json listing `f.svg → /etc/passwd`, or a
 * loose `z.svg → /dev/zero` or FIFO, must not reach the page or hang the report.
 */
function readInside(root: string, path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_READ_BYTES) return undefined;
    const top = realpathSync(root);
    const real = realpathSync(dirname(path));
    if (real !== top && !real.startsWith(top + sep)) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readSummary(root: string, dir: string): ReproductionSummary | undefined {
  const text = readInside(root, join(dir, SUMMARY_FILE));
  if (text === undefined) return undefined;
  try {
    const summary = JSON.parse(text) as ReproductionSummary;
    if (!summary || typeof summary !== 'object' || !Array.isArray(summary.figures)) return undefined;
    // Entries without a string name and figure file are left out, not read.
    summary.figures = summary.figures.filter((f) => f && typeof f === 'object' && typeof f.svg === 'string' && typeof f.name === 'string');
    return summary;
  } catch {
    return undefined;
  }
}

/** Real subfolders (a link to a folder is not followed). */
const subfolders = (dir: string) =>
  readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((p) => lstatSync(p).isDirectory())
    .sort();

function svgFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.svg'))
    .map((f) => join(dir, f))
    .sort();
}

function looseFigure(root: string, svgPath: string): LooseFigure | undefined {
  const svg = readInside(root, svgPath);
  if (svg === undefined) return undefined;
  const specText = readInside(root, svgPath.replace(/\.svg$/, '.vl.json'));
  let title = relative(root, svgPath);
  let caption: string[] = [];
  if (specText !== undefined) {
    try {
      const t = JSON.parse(specText).title;
      if (typeof t === 'string') title = t;
      else if (t) [title, caption] = [typeof t.text === 'string' ? t.text : title, Array.isArray(t.subtitle) ? t.subtitle.map(String) : []];
    } catch {
      // A broken spec leaves the figure with its path as title.
    }
  }
  return { path: relative(root, svgPath), svg, title, caption };
}

/** Everything the report shows, gathered from `dir`. */
export function gatherReport(dir: string): ReportInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError('dir', `${dir}: not a folder`);
  const folders = [dir, ...subfolders(dir)];
  const reproductions: ReportInput['reproductions'] = [];
  const loose: LooseFigure[] = [];
  for (const folder of folders) {
    const summary = readSummary(dir, folder);
    const listed = new Set(summary?.figures.map((f) => join(folder, f.svg)) ?? []);
    if (summary) {
      const figures: Record<string, string> = {};
      for (const f of summary.figures) {
        // Only a figure file inside its folder: a summary.json must not pull other files into the page.
        const inside = !isAbsolute(f.svg) && !f.svg.split(/[\\/]/).includes('..');
        const svg = inside ? readInside(dir, join(folder, f.svg)) : undefined;
        if (svg !== undefined) figures[f.name] = svg;
      }
      reproductions.push({ summary, dir: relative(dir, folder) || '.', figures });
    }
    for (const svg of svgFiles(folder)) {
      const figure = listed.has(svg) ? undefined : looseFigure(dir, svg);
      if (figure) loose.push(figure);
    }
  }
  const order = (s: ReproductionSummary) => (FIGURE_NAMES.includes(s.figure) ? FIGURE_NAMES.indexOf(s.figure) : FIGURE_NAMES.length);
  reproductions.sort((a, b) => order(a.summary) - order(b.summary));
  if (!reproductions.length && !loose.length)
    throw new ConfigError('dir', `${dir}: no summary.json or .svg figures here or one folder down (run \`giantstep reproduce\` or \`giantstep plot\` first)`);
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
  checkOutPath(out); // a regular file or a new path, written atomically (src/output.ts)
  const input = gatherReport(dir);
  writeAtomic(out, renderReport(input));
  const figures = input.reproductions.reduce((s, r) => s + Object.keys(r.figures).length, 0) + input.loose.length;
  return { path: out, figures, reproductions: input.reproductions.length };
}

// The report page: one self-contained HTML file (figures inlined as data-URI SVG images, so their
// internal ids cannot clash and nothing is fetched), with each figure's claim and verdict beside it.
import type { ReproductionSummary, Table } from '../reproduce';

export interface LooseFigure {
  /** Path relative to the report's folder, for the label. */
  path: string;
  svg: string;
  title: string;
  caption: string[];
}

export interface ReportInput {
  title: string;
  generatedAt: string;
  version: string;
  reproductions: { summary: ReproductionSummary; dir: string; figures: Record<string, string> }[];
  loose: LooseFigure[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const svgImage = (svg: string, alt: string) => `<img class="figure" alt="${escapeHtml(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;

const BADGE: Record<string, string> = { yes: 'shown', no: 'not shown', partly: 'partly shown' };

function table(t: Table): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c === null ? 'n/a' : String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(t.title)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

const seconds = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

function reproductionSection(entry: ReportInput['reproductions'][number]): string {
  const s = entry.summary;
  const figures = s.figures
    .map(
      (f) => `<div class="row">
  <figure>${entry.figures[f.name] ? svgImage(entry.figures[f.name], f.title) : `<p class="missing">missing figure ${escapeHtml(f.svg)}</p>`}
    <figcaption>${escapeHtml(f.name)}.svg · <span class="files">${escapeHtml(f.png)}, ${escapeHtml(f.spec)}</span></figcaption></figure>
  <aside class="verdict ${f.verdict.shown}">
    <h4>The paper's claim</h4><p>${escapeHtml(f.verdict.claim)}</p>
    <p class="badge">${BADGE[f.verdict.shown]} by this reproduction</p>
    <p>${escapeHtml(f.verdict.evidence)}</p>
  </aside>
</div>`,
    )
    .join('\n');
  const configs = s.runSets
    .map(
      (r) => `<details><summary>${escapeHtml(r.label)}: ${r.runs} runs</summary>
<h5>Sweep spec</h5><pre>${escapeHtml(JSON.stringify(r.spec, null, 2))}</pre>
<h5>Resolved config of the first run</h5><pre>${escapeHtml(JSON.stringify(r.exampleConfig, null, 2))}</pre></details>`,
    )
    .join('\n');
  return `<section id="${escapeHtml(s.figure)}">
<h2>${escapeHtml(s.title)}</h2>
<p>${escapeHtml(s.description)}</p>
<p class="meta"><code>${escapeHtml(s.command)}</code> · ${s.runs}${s.plannedRuns > s.runs ? ` of ${s.plannedRuns} planned (an interrupted run)` : ''} runs · ${seconds(s.wallSeconds)} wall clock this time, ${seconds(s.engineSeconds)} of engine time in all · ${s.quick ? 'quick version' : 'full version'} · folder ${escapeHtml(entry.dir)}</p>
${figures}
${s.tables.map(table).join('\n')}
<h3>Configs</h3>
${configs}
</section>`;
}

function looseSection(loose: LooseFigure[]): string {
  if (!loose.length) return '';
  const items = loose
    .map((f) => `<div class="row"><figure>${svgImage(f.svg, f.title)}<figcaption>${escapeHtml(f.path)}</figcaption></figure><aside><h4>${escapeHtml(f.title)}</h4>${f.caption.map((c) => `<p>${escapeHtml(c)}</p>`).join('')}</aside></div>`)
    .join('\n');
  return `<section id="other-figures"><h2>Other figures</h2>\n${items}\n</section>`;
}

const CSS = `
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 2rem auto; max-width: 1500px; padding: 0 1.5rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { border-top: 2px solid #ddd; padding-top: 1.2rem; margin-top: 2.5rem; }
.meta { color: #555; font-size: .9rem; } code { background: #f3f3f3; padding: 0 .3rem; }
.row { display: flex; gap: 1.5rem; align-items: flex-start; margin: 1.5rem 0; flex-wrap: wrap; }
figure { margin: 0; flex: 0 1 auto; max-width: 100%; } img.figure { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .8rem; color: #666; } .files { color: #999; }
aside { flex: 1 1 320px; min-width: 280px; background: #fafafa; border-left: 4px solid #bbb; padding: .2rem 1rem; }
aside.yes { border-color: #2e7d32; } aside.partly { border-color: #ef9a00; } aside.no { border-color: #c62828; }
.badge { font-weight: bold; } aside.yes .badge { color: #2e7d32; } aside.partly .badge { color: #b36b00; } aside.no .badge { color: #c62828; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .85rem; } caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: right; } th { background: #f3f3f3; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; font-size: .8rem; } details { margin: .4rem 0; }
table.summary th, table.summary td { text-align: left; }
td.yes { color: #2e7d32; font-weight: bold; } td.partly { color: #b36b00; font-weight: bold; } td.no { color: #c62828; font-weight: bold; }
`;

export function renderReport(input: ReportInput): string {
  const verdictRows = input.reproductions
    .flatMap(({ summary: s }) => s.figures.map((f) => `<tr><td><a href="#${escapeHtml(s.figure)}">${escapeHtml(f.name)}</a></td><td class="${f.verdict.shown}">${BADGE[f.verdict.shown]}</td><td>${escapeHtml(f.verdict.claim)}</td></tr>`))
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">giantstep ${escapeHtml(input.version)} · generated ${escapeHtml(input.generatedAt)} · Dandi, Krzakala, Loureiro, Pesce, Stephan, <i>How Two-Layer Neural Networks Learn, One (Giant) Step at a Time</i> (JMLR 2024)</p>
${verdictRows ? `<table class="summary"><caption>Claims and verdicts</caption><thead><tr><th>figure</th><th>verdict</th><th>the paper's claim</th></tr></thead><tbody>\n${verdictRows}\n</tbody></table>` : ''}
${input.reproductions.map(reproductionSection).join('\n')}
${looseSection(input.loose)}
</body>
</html>
`;
}

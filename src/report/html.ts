// The report page: one self-contained HTML file (figures inlined as data-URI SVG images, so their
// internal ids cannot clash and nothing is fetched), with each figure's claim and verdict beside it.
// Built only through the `html` tagged template, which escapes every value it is given (a summary.json
// may hold anything), and served with a Content-Security-Policy that forbids scripts.
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

/** A fragment of HTML built by `html` (or trusted, like the page's CSS): substituted as is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Text of any value read from a summary.json, which may hold anything: never throws. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function substitute(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(substitute).join('\n');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(textOf(value));
}

/**
 * The one way this page is built: a tagged template that escapes every substituted value (strings,
 * numbers, anything a summary.json holds) unless it is a SafeHtml fragment built by `html` itself;
 * arrays are substituted item by item.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += substitute(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Scripts, frames, fonts and fetches forbidden; only the inline style and the data: images load. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const record = (x: unknown): Record<string, unknown> => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

const svgImage = (svg: string, alt: unknown) =>
  html`<img class="figure" alt="${alt}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;

const BADGE: Record<string, string> = { yes: 'shown', no: 'not shown', partly: 'partly shown', inconclusive: 'inconclusive' };
/** The verdict's class and badge: known words only (anything else is shown as escaped text). */
const shownClass = (shown: unknown) => (typeof shown === 'string' && Object.hasOwn(BADGE, shown) ? shown : 'unknown');
const badge = (shown: unknown) => (typeof shown === 'string' && Object.hasOwn(BADGE, shown) ? BADGE[shown] : textOf(shown));

/**
 * A table cell as a reader sees it: a measured cell (mean, sem, std, count) as "mean ± spread", a long number
 * to 4 significant digits, anything else as escaped text. A hostile summary.json gets text, never markup.
 */
function cellText(c: unknown): string {
  if (c === null || c === undefined) return 'n/a';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(4)));
  const m = record(c);
  const digits = typeof m.digits === 'number' && Number.isInteger(m.digits) && m.digits >= 0 && m.digits <= 8 ? m.digits : 3;
  const spread = m.spread === 'std' ? m.std : m.sem;
  if (typeof m.mean === 'number' && typeof spread === 'number') return `${m.mean.toFixed(digits)} ± ${spread.toFixed(digits)}`;
  return textOf(c);
}

function table(raw: unknown): SafeHtml {
  const t = record(raw) as Partial<Table>;
  const head = list(t.columns).map((c) => html`<th>${c}</th>`);
  const rows = list(t.rows).map((r) => html`<tr>${list(r).map((c) => html`<td>${cellText(c)}</td>`)}</tr>`);
  return html`<table><caption>${t.title}</caption><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table>`;
}

const seconds = (s: unknown) => (typeof s !== 'number' || !Number.isFinite(s) ? textOf(s) : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

function figureImage(entry: ReportInput['reproductions'][number], f: Record<string, unknown>): SafeHtml {
  const name = f.name;
  const svg = typeof name === 'string' && Object.hasOwn(entry.figures, name) ? entry.figures[name] : undefined;
  return typeof svg === 'string' ? svgImage(svg, f.title) : html`<p class="missing">missing figure ${f.svg}</p>`;
}

function reproductionSection(entry: ReportInput['reproductions'][number]): SafeHtml {
  const s = record(entry.summary);
  const figures = list(s.figures).map((raw) => {
    const f = record(raw);
    const v = record(f.verdict);
    return html`<div class="row">
  <figure>${figureImage(entry, f)}
    <figcaption>${f.name}.svg · <span class="files">${f.png}, ${f.spec}</span></figcaption></figure>
  <aside class="verdict ${shownClass(v.shown)}">
    <h4>The paper's claim</h4><p>${v.claim}</p>
    <p class="badge">${badge(v.shown)} by this reproduction</p>
    <p>${v.evidence}</p>
    <details class="test" open><summary>The test applied</summary><pre>${v.test ?? 'not recorded (a summary from before tests were recorded)'}</pre></details>
  </aside>
</div>`;
  });
  const configs = list(s.runSets).map((raw) => {
    const r = record(raw);
    return html`<details><summary>${r.label}: ${r.runs} runs</summary>
<h5>Sweep spec</h5><pre>${JSON.stringify(r.spec, null, 2)}</pre>
<h5>Resolved config of the first run</h5><pre>${JSON.stringify(r.exampleConfig, null, 2)}</pre></details>`;
  });
  const planned =
    typeof s.plannedRuns === 'number' && typeof s.runs === 'number' && s.plannedRuns > s.runs ? html` of ${s.plannedRuns} planned (an interrupted run)` : '';
  return html`<section id="${s.figure}">
<h2>${s.title}</h2>
<p>${s.description}</p>
<p class="meta"><code>${s.command}</code> · ${s.runs}${planned} runs · ${seconds(s.wallSeconds)} wall clock this time, ${seconds(s.engineSeconds)} of engine time in all · ${s.quick ? 'quick version' : 'full version'} · folder ${entry.dir}</p>
${figures}
${list(s.tables).map(table)}
<h3>Configs</h3>
${configs}
</section>`;
}

function looseSection(loose: LooseFigure[]): SafeHtml | '' {
  if (!loose.length) return '';
  const items = loose.map(
    (f) =>
      html`<div class="row"><figure>${svgImage(f.svg, f.title)}<figcaption>${f.path}</figcaption></figure><aside><h4>${f.title}</h4>${list(f.caption).map((c) => html`<p>${c}</p>`)}</aside></div>`,
  );
  return html`<section id="other-figures"><h2>Other figures</h2>
${items}
</section>`;
}

const CSS = `
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 2rem auto; max-width: 1500px; padding: 0 1.5rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { border-top: 2px solid #ddd; padding-top: 1.2rem; margin-top: 2.5rem; }
.meta { color: #555; font-size: .9rem; } code { background: #f3f3f3; padding: 0 .3rem; }
.row { display: flex; gap: 1.5rem; align-items: flex-start; margin: 1.5rem 0; flex-wrap: wrap; }
figure { margin: 0; flex: 0 1 auto; max-width: 100%; } img.figure { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .8rem; color: #666; } .files { color: #999; }
aside { flex: 1 1 320px; min-width: 280px; background: #fafafa; border-left: 4px solid #bbb; padding: .2rem 1rem; }
aside.yes { border-color: #2e7d32; } aside.partly { border-color: #ef9a00; } aside.no { border-color: #c62828; } aside.inconclusive { border-color: #757575; }
.badge { font-weight: bold; } aside.yes .badge { color: #2e7d32; } aside.partly .badge { color: #b36b00; } aside.no .badge { color: #c62828; } aside.inconclusive .badge { color: #616161; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .85rem; } caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: right; } th { background: #f3f3f3; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; font-size: .8rem; } details { margin: .4rem 0; }
.test pre { white-space: pre-wrap; }
table.summary th, table.summary td { text-align: left; }
td.yes { color: #2e7d32; font-weight: bold; } td.partly { color: #b36b00; font-weight: bold; } td.no { color: #c62828; font-weight: bold; } td.inconclusive { color: #616161; font-weight: bold; }
`;

export function renderReport(input: ReportInput): string {
  const verdictRows = input.reproductions.flatMap(({ summary }) => {
    const s = record(summary);
    return list(s.figures).map((raw) => {
      const f = record(raw);
      const v = record(f.verdict);
      return html`<tr><td><a href="#${s.figure}">${f.name}</a></td><td class="${shownClass(v.shown)}">${badge(v.shown)}</td><td>${v.claim}</td></tr>`;
    });
  });
  const summaryTable = verdictRows.length
    ? html`<table class="summary"><caption>Claims and verdicts</caption><thead><tr><th>figure</th><th>verdict</th><th>the paper's claim</th></tr></thead><tbody>
${verdictRows}
</tbody></table>`
    : '';
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${new SafeHtml(CONTENT_SECURITY_POLICY)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title}</title>
<style>${new SafeHtml(CSS)}</style>
</head>
<body>
<h1>${input.title}</h1>
<p class="meta">giantstep ${input.version} · generated ${input.generatedAt} · Dandi, Krzakala, Loureiro, Pesce, Stephan, <i>How Two-Layer Neural Networks Learn, One (Giant) Step at a Time</i> (JMLR 2024)</p>
${summaryTable}
${input.reproductions.map(reproductionSection)}
${looseSection(input.loose)}
</body>
</html>
`.text;
}

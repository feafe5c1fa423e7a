import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatherReport, writeReport } from '../src/report';
import { escapeHtml } from '../src/report/html';

const svg = (label: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="10" y="50">${label}</text></svg>`;

function fakeReproduction(dir: string, figure: string, shown: 'yes' | 'no' | 'partly') {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${figure}.svg`), svg(figure));
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({
      figure,
      title: `Title of ${figure}`,
      description: 'What it runs <and why>',
      quick: true,
      command: `giantstep reproduce ${figure} --quick`,
      version: '0.1.0',
      generatedAt: '2026-01-01T00:00:00Z',
      wallSeconds: 12.5,
      engineSeconds: 11,
      runs: 6,
      plannedRuns: 6,
      results: 'results.jsonl',
      runSets: [{ label: 'the runs', spec: { base: { d: 64 }, seeds: 3 }, runs: 6, exampleConfig: { d: 64, p: 32 } }],
      figures: [
        {
          name: figure,
          svg: `${figure}.svg`,
          png: `${figure}.png`,
          spec: `${figure}.vl.json`,
          title: 't',
          caption: [],
          verdict: { claim: `claim of ${figure}`, shown, evidence: '2 steps: 0.21 ± 0.01 vs 1 step: 0.48 ± 0.02' },
        },
      ],
      tables: [{ title: 'A table', columns: ['κ', 'error'], rows: [[1.5, '0.21 ± 0.01']] }],
    }),
  );
}

describe('giantstep report', () => {
  it("gathers reproductions one folder down, in the paper's order, and loose figures", () => {
    const root = mkdtempSync(join(tmpdir(), 'giantstep-report-'));
    fakeReproduction(join(root, 'b'), 'fig1-right', 'yes');
    fakeReproduction(join(root, 'a'), 'phase-diagram', 'partly');
    writeFileSync(join(root, 'extra.svg'), svg('extra'));
    writeFileSync(join(root, 'extra.vl.json'), JSON.stringify({ title: { text: 'An extra plot', subtitle: ['its caption'] } }));
    const input = gatherReport(root);
    expect(input.reproductions.map((r) => r.summary.figure)).toEqual(['fig1-right', 'phase-diagram']);
    expect(input.loose.map((f) => f.title)).toEqual(['An extra plot']);

    const { path, figures, reproductions } = writeReport(root);
    expect([figures, reproductions]).toEqual([3, 2]);
    const html = readFileSync(path, 'utf8');
    // Every figure inlined as an image, nothing fetched from anywhere.
    expect(html.match(/<img class="figure"[^>]*src="data:image\/svg\+xml;base64,/g)).toHaveLength(3);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script|<link /);
    // Claims and verdicts beside the figures, tables and configs, text escaped.
    expect(html).toContain('claim of fig1-right');
    expect(html).toContain('partly shown by this reproduction');
    expect(html).toContain('2 steps: 0.21 ± 0.01 vs 1 step: 0.48 ± 0.02');
    expect(html).toContain('<caption>A table</caption>');
    expect(html).toContain('What it runs &lt;and why&gt;');
    expect(html).toContain('&quot;p&quot;: 32');
    const decoded = Buffer.from(/base64,([^"]+)"/.exec(html)?.[1] ?? '', 'base64').toString();
    expect(decoded).toBe(svg('fig1-right'));
  });

  it('refuses a folder with nothing to report', () => {
    const empty = mkdtempSync(join(tmpdir(), 'giantstep-report-empty-'));
    expect(() => gatherReport(empty)).toThrow(/no summary.json or .svg figures/);
    expect(() => gatherReport(join(empty, 'nope'))).toThrow(/not a folder/);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('reads only regular files inside the folder: no links out, no devices, no pipes, no malformed entries', () => {
    const root = mkdtempSync(join(tmpdir(), 'giantstep-report-'));
    const outside = mkdtempSync(join(tmpdir(), 'giantstep-secret-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET-CONTENT');
    fakeReproduction(join(root, 'a'), 'fig1-right', 'yes');
    // The summary's figure replaced by a link to a file outside; loose links to a secret and to /dev/zero; a FIFO.
    rmSync(join(root, 'a', 'fig1-right.svg'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'a', 'fig1-right.svg'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.svg'));
    symlinkSync('/dev/zero', join(root, 'z.svg'));
    execFileSync('mkfifo', [join(root, 'p.svg')]);
    symlinkSync(outside, join(root, 'linked-folder'));
    writeFileSync(join(root, 'ok.svg'), svg('ok'));
    // A malformed summary one folder down: its entries are skipped, not read.
    mkdirSync(join(root, 'm'));
    writeFileSync(join(root, 'm', 'summary.json'), JSON.stringify({ figure: 'x', figures: [{}, { name: 'dot', svg: '.' }] }));
    const { path } = writeReport(root);
    const html = readFileSync(path, 'utf8');
    expect(html).not.toContain('SECRET-CONTENT');
    expect(html).not.toContain(Buffer.from('SECRET-CONTENT').toString('base64'));
    const input = gatherReport(root);
    expect(input.loose.map((f) => f.path)).toEqual(['ok.svg']);
    expect(input.reproductions.find((r) => r.summary.figure === 'fig1-right')?.figures).toEqual({});
  });
});

// Every figure's --quick reproduction end to end through the CLI, resuming after an interruption, and the
// report of them all. The folder is kept (test-artifacts/, ignored by git) for the browser test.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReproductionSummary } from '../src/reproduce';
import { FIGURE_NAMES } from '../src/reproduce';
import { giantstep } from './helpers/cli';

const QUICK_ROOT = join(__dirname, '..', 'test-artifacts', 'reproduce-quick');

const summaryOf = (figure: string): ReproductionSummary => JSON.parse(readFileSync(join(QUICK_ROOT, figure, 'summary.json'), 'utf8'));
const linesOf = (figure: string) =>
  readFileSync(join(QUICK_ROOT, figure, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);

/** What each quick reproduction printed on stdout, for the docs check below. */
const printed: Record<string, string> = {};

describe('giantstep reproduce --quick', () => {
  beforeAll(() => rmSync(QUICK_ROOT, { recursive: true, force: true }));

  it.each(FIGURE_NAMES)('%s runs in under a minute and writes results, a summary and its figures', async (figure) => {
    const t0 = Date.now();
    const { code, stdout, stderr } = await giantstep('reproduce', figure, '--quick', '--out', join(QUICK_ROOT, figure), '--quiet');
    const seconds = (Date.now() - t0) / 1000;
    expect(code, stderr).toBe(0);
    printed[figure] = stdout;
    expect(seconds).toBeLessThan(60);
    const s = summaryOf(figure);
    expect(s).toMatchObject({ figure, quick: true, results: 'results.jsonl' });
    expect(s.runs).toBe(s.plannedRuns);
    expect(new Set(linesOf(figure).map((l) => JSON.parse(l).key)).size).toBe(s.runs);
    expect(s.figures.length).toBeGreaterThan(0);
    for (const f of s.figures) {
      const dir = join(QUICK_ROOT, figure);
      expect(readFileSync(join(dir, f.svg), 'utf8').startsWith('<svg')).toBe(true);
      expect(readFileSync(join(dir, f.png)).subarray(1, 4).toString()).toBe('PNG');
      expect(JSON.parse(readFileSync(join(dir, f.spec), 'utf8')).$schema).toContain('vega-lite/v6');
      expect(['yes', 'no', 'partly', 'inconclusive']).toContain(f.verdict.shown);
      expect(f.verdict.claim.length).toBeGreaterThan(40);
      expect(f.verdict.evidence).toMatch(/\d/);
      // A quick verdict says it was not compared with the paper's numbers; every verdict states its test.
      expect(f.verdict.evidence).toContain("not compared with the paper's numbers");
      expect(f.verdict.test).toMatch(/\d/);
      // The inequalities as numbers, each outcome what its numbers give at 2 s.e. in its own direction.
      const inequalities = f.verdict.inequalities ?? [];
      expect(inequalities.length, `${f.name} keeps its inequalities`).toBeGreaterThan(0);
      for (const q of inequalities) {
        const near = q.direction === '>' ? q.mean - 2 * q.sem : q.mean + 2 * q.sem;
        const far = q.direction === '>' ? q.mean + 2 * q.sem : q.mean - 2 * q.sem;
        const holds = (x: number) => (q.direction === '>' ? x > q.bound : x < q.bound);
        const expected = q.count < 2 ? 'inconclusive' : holds(near) ? 'holds' : holds(far) ? 'inconclusive' : 'fails';
        expect(q.outcome, `${f.name}: ${q.what}`).toBe(expected);
      }
      expect(stdout).toContain('    test: ');
      expect(stdout).toContain(`${f.name}: `);
    }
    expect(s.tables.length).toBeGreaterThan(0);
    // Tables keep numbers: a measured cell is an object (mean, sem, std, count), never "a ± b" text.
    const cells = s.tables.flatMap((t) => t.rows.flat());
    expect(cells.some((c) => typeof c === 'string' && c.includes('±'))).toBe(false);
    const measured = cells.filter((c) => c !== null && typeof c === 'object');
    expect(measured.length).toBeGreaterThan(0);
    for (const c of measured) expect(c).toMatchObject({ mean: expect.any(Number), std: expect.any(Number), count: expect.any(Number) });
    expect(s.runSets.every((r) => r.exampleConfig && r.spec)).toBe(true);
  });

  it("reproducing.md's quick example prints today's verdict lines, word for word", () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'reproducing.md'), 'utf8');
    const block = /\$ giantstep reproduce fig1-right --quick[^\n]*\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const verdicts = block.split('\n').filter((l) => /^ {2}fig1-right[\w-]*: /.test(l));
    expect(verdicts.length).toBe(2);
    for (const line of verdicts) expect(printed['fig1-right']).toContain(`${line}\n`);
  });

  it('shows the claims that hold even at the quick sizes (runs are deterministic)', () => {
    const verdict = (figure: string, name = figure) => summaryOf(figure).figures.find((f) => f.name === name)?.verdict.shown;
    expect(verdict('notebook-single-step')).toBe('yes');
    // T-B leaves the theory line at step 2 (T-C drifts off it slowly too: yes or partly).
    expect(['yes', 'partly', 'inconclusive']).toContain(verdict('notebook-multi-step')); // too noisy at d = 1024 to decide every bound
    expect(verdict('notebook-multi-step', 'notebook-multi-step-overlap')).toBe('yes');
    expect(verdict('fig1-right')).toBe('yes');
    expect(verdict('fig1-right', 'fig1-right-overlap')).toBe('yes');
    expect(verdict('fig1-left', 'fig1-left-overlap')).toBe('yes');
    // At the quick size (d = 128) T-A's a_i < 0 group sits near its 15° bound: not decidable, never refuted.
    expect(['yes', 'inconclusive']).toContain(verdict('fig1-directions'));
    expect(verdict('phase-diagram')).toBe('yes');
    expect(verdict('one-step-asymptotics')).toBe('yes');
  });

  it('resumes an interrupted reproduction: only the missing runs run again', async () => {
    const figure = 'fig1-right';
    const file = join(QUICK_ROOT, figure, 'results.jsonl');
    const before = linesOf(figure);
    const kept = before.slice(0, before.length - 10);
    // As after kill -9 mid-write: ten runs lost and a torn last line.
    writeFileSync(file, kept.join('\n') + '\n' + before[before.length - 10].slice(0, 50));
    const started = new Date();
    const { code, stderr } = await giantstep('reproduce', figure, '--quick', '--out', join(QUICK_ROOT, figure), '--quiet');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('torn last line');
    const after = linesOf(figure);
    expect(after.slice(0, kept.length)).toEqual(kept);
    expect(new Set(after.map((l) => JSON.parse(l).key))).toEqual(new Set(before.map((l) => JSON.parse(l).key)));
    expect(after.filter((l) => new Date(JSON.parse(l).timing.finishedAt) >= started)).toHaveLength(10);
    expect(summaryOf(figure).runs).toBe(before.length);
  });

  it('--no-run analyzes what is there; bad names exit 2', async () => {
    const ran = await giantstep('reproduce', 'notebook-single-step', '--quick', '--no-run', '--out', join(QUICK_ROOT, 'notebook-single-step'));
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('notebook-single-step: 9 runs');
    const bad = await giantstep('reproduce', 'fig9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("figure: unknown figure 'fig9'");
    const list = await giantstep('reproduce', '--list');
    for (const name of FIGURE_NAMES) expect(list.stdout).toContain(name);
  });

  it('report: one self-contained page with every figure', async () => {
    const { code, stdout } = await giantstep('report', QUICK_ROOT);
    expect(code).toBe(0);
    const figures = FIGURE_NAMES.reduce((n, f) => n + summaryOf(f).figures.length, 0);
    expect(stdout).toContain(`${FIGURE_NAMES.length} reproductions, ${figures} figures`);
    const html = readFileSync(join(QUICK_ROOT, 'report.html'), 'utf8');
    expect(html.match(/<img class="figure"/g)).toHaveLength(figures);
    expect(html.match(/The test applied/g)).toHaveLength(figures);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // Measured table cells read as mean ± spread, never as an object's JSON.
    expect(html).toMatch(/<td>\d+\.\d+ ± \d+\.\d+<\/td>/);
    expect(html).not.toContain('{&quot;mean&quot;');
    expect(existsSync(join(QUICK_ROOT, 'report.html'))).toBe(true);
  });
});

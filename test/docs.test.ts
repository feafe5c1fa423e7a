// The docs as users meet them: the README's tour runs as written, links resolve, the config reference
// lists exactly the config fields, and nothing points at issue numbers or this machine's paths.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../src/config/fields';
import { cli } from './helpers/cli';
import { python } from './helpers/python';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => join(root, 'docs', f));

/** The fenced blocks of a language after a heading. */
function blocks(markdown: string, heading: string, lang: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading), markdown.indexOf('\n## ', markdown.indexOf(heading) + 1));
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe('README', () => {
  it('is short: at most 250 lines, and starts with the install-and-run and the test commands', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    const [first] = blocks(readme, '# giantstep', 'sh');
    expect(first.trim().split('\n')).toEqual([
      'npm ci && npm run build && npx giantstep run --preset notebook-single-step --kappa 1.65 --out result.json',
      'npm test',
    ]);
  });

  it('the five-minute tour runs as written, and its Python line reads the exported table', () => {
    const work = mkdtempSync(join(tmpdir(), 'giantstep-tour-'));
    mkdirSync(join(work, 'bin'));
    const shim = join(work, 'bin', 'giantstep');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
    chmodSync(shim, 0o755);
    const [tour] = blocks(readme, '## A five-minute tour', 'sh');
    expect(tour).toContain('giantstep report repro');
    const env = { ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}` };
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', tour], { cwd: work, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(out).toMatch(/target T-B = /);
    for (const file of ['run.json', 'sweep.jsonl', 'sweep.svg', 'sweep.parquet', 'repro/fig1-right/summary.json', 'repro/report.html']) {
      expect(existsSync(join(work, file)), file).toBe(true);
    }
    expect(readFileSync(join(work, 'sweep.jsonl'), 'utf8').trim().split('\n')).toHaveLength(45);
    const [snippet] = blocks(readme, '## A five-minute tour', 'python');
    const table = execFileSync(python(), ['-c', `${snippet.trim().replace(/\n(?=[^\n]*$)/, '\nprint(')})`], { cwd: work, encoding: 'utf8' });
    expect(table).toMatch(/kappa\s+steps/);
    expect(table.trim().split('\n').length).toBeGreaterThanOrEqual(2 + 15);
  }, 300_000);
});

describe('docs', () => {
  it('every relative link of the README and docs/ points at a file that exists', () => {
    const broken: string[] = [];
    for (const file of [join(root, 'README.md'), ...docs]) {
      const text = readFileSync(file, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const path = resolve(dirname(file), target.split('#')[0]);
        if (!existsSync(path)) broken.push(`${file.slice(root.length + 1)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the config reference lists exactly the config fields', () => {
    const text = readFileSync(join(root, 'docs', 'config.md'), 'utf8');
    const listed = new Set([...text.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((n) => n[1])));
    expect([...listed].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('no doc cites an issue number or a path of this machine', () => {
    for (const file of [join(root, 'README.md'), ...docs]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\bissues? #?\d+\b/i);
      expect(text, file).not.toMatch(/\/work\/|\/root\//);
    }
  });
});

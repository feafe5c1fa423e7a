// Hostile and careless files (issue 12, items 4, 6, 7, 8, 9, 12): `--out` never replaces what is not a
// regular file and a failed write leaves nothing behind; the report escapes everything; the Slurm script
// runs no injected command; a sweep never eats a file that is not a results file, never runs twice into
// one file, and refuses plans too large to build. Each refusal: exit 2, one line naming the field, the
// files on disk unchanged.
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { plotRecords } from '../src/plot';
import type { SweepRecord } from '../src/sweep';
import { ResultsFile } from '../src/sweep';
import { cli, giantstep } from './helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'giantstep-hostile-files-'));
const exec = promisify(execFile);
const TINY = ['--d', '8', '--p', '8'];

/** The one line of a refusal (no stack trace, nothing else on stderr). */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

/** A folder with a symbolic link (to a file with known text), a FIFO, a sub-folder and a regular file. */
function hostileFolder(name: string) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'target.txt'), 'keep me\n');
  symlinkSync('target.txt', join(dir, 'link.json'));
  spawnSync('mkfifo', [join(dir, 'fifo.json')]);
  expect(lstatSync(join(dir, 'fifo.json')).isFIFO()).toBe(true);
  return {
    dir,
    link: join(dir, 'link.json'),
    fifo: join(dir, 'fifo.json'),
    sub: join(dir, 'sub'),
    /** Nothing changed: the link still points at the untouched target, the FIFO is still a FIFO, no temp files. */
    unchanged() {
      expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, 'link.json'))).toBe('target.txt');
      expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('keep me\n');
      expect(lstatSync(join(dir, 'fifo.json')).isFIFO()).toBe(true);
      expect(lstatSync(join(dir, 'sub')).isDirectory()).toBe(true);
      expect(readdirSync(join(dir, 'sub'))).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(['fifo.json', 'link.json', 'sub', 'target.txt'].concat(this.extra ?? []).sort());
    },
    extra: [] as string[],
  };
}

/** A small results file (3 seeds of a tiny run), written once and shared. */
let smallResults: Promise<string> | undefined;
function results(): Promise<string> {
  smallResults ??= (async () => {
    const out = join(root, 'small.jsonl');
    const r = await giantstep('sweep', ...TINY, '--seeds', '3', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    return out;
  })();
  return smallResults;
}

describe('--out writes only regular files or new paths (item 4)', () => {
  it('theory, run, merge and slurm refuse a symbolic link, a FIFO and a folder, and leave them as they were', async () => {
    const f = hostileFolder('out-refused');
    const res = await results();
    writeFileSync(join(root, 'slurm-spec.json'), JSON.stringify({ base: { d: 8, p: 8 }, seeds: 2 }));
    const commands: [string, string[]][] = [
      ['theory', ['theory', 'phase-diagram']],
      ['run', ['run', ...TINY, '--quiet']],
      ['merge', ['merge', res]],
      ['slurm', ['slurm', join(root, 'slurm-spec.json'), '--array', '2', '--results', join(root, 'slurm-shards')]],
    ];
    for (const [name, args] of commands) {
      for (const [what, target, kind] of [
        ['link', f.link, 'a symbolic link'],
        ['fifo', f.fifo, 'a named pipe'],
        ['folder', f.sub, 'a folder'],
      ]) {
        const r = await giantstep(...args, '--out', target);
        expect(r.code, `${name} --out ${what}: ${r.stderr}`).toBe(2);
        const line = oneLine(r.stderr);
        expect(line).toContain(`giantstep: out: ${target} is ${kind}`);
        expect(line).toContain('--out');
        f.unchanged();
      }
    }
  });

  it('plot and report refuse a symbolic link at any path they would write, and write nothing', async () => {
    const f = hostileFolder('out-refused-figures');
    const res = await results();
    // plot writes <base>.vl.json and <base>.svg: a link at either is refused before anything is written.
    symlinkSync('target.txt', join(f.dir, 'fig.svg'));
    symlinkSync('target.txt', join(f.dir, 'fig2.vl.json'));
    f.extra = ['fig.svg', 'fig2.vl.json'];
    for (const out of [join(f.dir, 'fig.svg'), join(f.dir, 'fig2.svg')]) {
      const r = await giantstep('plot', res, '--x', 'config.d', '--y', 'testError', '--out', out);
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/^giantstep: out: .*(fig\.svg|fig2\.vl\.json) is a symbolic link; --out writes only a regular file/);
      f.unchanged();
    }
    // report: its page at a link (given, or the default <dir>/report.html) is refused.
    const figs = join(root, 'report-src');
    mkdirSync(figs, { recursive: true });
    const plotted = await giantstep('plot', res, '--x', 'config.d', '--y', 'testError', '--out', join(figs, 'a.svg'));
    expect(plotted.code, plotted.stderr).toBe(0);
    const r = await giantstep('report', figs, '--out', f.link);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toContain(`giantstep: out: ${f.link} is a symbolic link; --out`);
    symlinkSync(join(f.dir, 'target.txt'), join(figs, 'report.html'));
    const byDefault = await giantstep('report', figs);
    expect(byDefault.code, byDefault.stderr).toBe(2);
    expect(lstatSync(join(figs, 'report.html')).isSymbolicLink()).toBe(true);
    f.unchanged();
  });

  it('replaces a regular file whole and keeps its permissions', async () => {
    const dir = join(root, 'out-regular');
    mkdirSync(dir);
    const out = join(dir, 'theory.json');
    writeFileSync(out, 'old\n', { mode: 0o640 });
    const r = await giantstep('theory', 'phase-diagram', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toBeTruthy();
    expect(lstatSync(out).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['theory.json']);
  });

  it('a write that fails (file size limit: as a full disk) removes its temp file and names --out and the path', async () => {
    const dir = join(root, 'out-full');
    mkdirSync(dir);
    const out = join(dir, 'phase.json');
    writeFileSync(out, 'old\n');
    // RLIMIT_FSIZE of 1 KiB with SIGXFSZ ignored: writes past 1 KiB fail with EFBIG, like ENOSPC on a full disk.
    const script = `trap '' XFSZ; ulimit -f 1; exec "${process.execPath}" "${cli}" theory phase-diagram --out "${out}"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(74); // the file system failing, not bad input (EX_IOERR)
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^giantstep: out: cannot write ${out}: EFBIG.*was left as it was.*--out$`));
    expect(readdirSync(dir)).toEqual(['phase.json']); // no temp file left
    expect(readFileSync(out, 'utf8')).toBe('old\n');
  });

  it('a path under a regular file (not a folder) is refused with exit 2 naming the path', async () => {
    const dir = join(root, 'out-notdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'file'), 'x');
    const out = join(dir, 'file', 'result.json');
    const r = await giantstep('theory', 'phase-diagram', '--out', out);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^giantstep: out: cannot .*${out.replace(/[/.]/g, '\\$&')}.*--out`));
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('report escapes every value of a summary.json (item 6)', () => {
  it('a summary with <script> in every string and number field gives a page with no live <script', async () => {
    const dir = join(root, 'report-hostile');
    mkdirSync(dir, { recursive: true });
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    writeFileSync(join(dir, 'fig1-left.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const summary = {
      figure: evil,
      title: evil,
      description: evil,
      quick: evil,
      command: evil,
      version: evil,
      generatedAt: evil,
      wallSeconds: evil,
      engineSeconds: evil,
      runs: evil,
      plannedRuns: evil,
      results: evil,
      runSets: [{ label: evil, spec: { base: { target: evil } }, runs: evil, exampleConfig: { d: evil } }],
      figures: [
        { name: evil, svg: evil, png: evil, spec: evil, title: evil, caption: [evil], verdict: { claim: evil, shown: evil, evidence: evil } },
        {
          name: 'fig1-left',
          svg: 'fig1-left.svg',
          png: evil,
          spec: evil,
          title: evil,
          caption: [evil],
          verdict: { claim: evil, shown: 'yes', evidence: evil },
        },
      ],
      tables: [
        {
          title: evil,
          columns: [evil, evil],
          rows: [
            [evil, evil],
            [1, null],
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
    const r = await giantstep('report', dir);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toMatch(/onerror=alert\(2\)>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Scripts forbidden by the page itself; the inline style and the data: images still allowed.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(csp).toContain('img-src data:');
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(html.match(/<img class="figure"/g)).toHaveLength(1);
  });

  it('a summary cannot pull a file from outside its folder into the page', async () => {
    const dir = join(root, 'report-traversal');
    mkdirSync(join(dir, 'inner'), { recursive: true });
    writeFileSync(join(dir, 'secret.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><text>secret</text></svg>');
    const figure = {
      name: 'x',
      svg: '../secret.svg',
      png: 'x.png',
      spec: 'x.vl.json',
      title: 't',
      caption: [],
      verdict: { claim: 'c', shown: 'yes', evidence: 'e' },
    };
    writeFileSync(
      join(dir, 'inner', 'summary.json'),
      JSON.stringify({
        figure: 'x',
        title: 't',
        description: 'd',
        quick: true,
        command: 'c',
        runs: 1,
        plannedRuns: 1,
        wallSeconds: 1,
        engineSeconds: 1,
        runSets: [],
        figures: [figure],
        tables: [],
      }),
    );
    const r = await giantstep('report', join(dir, 'inner'));
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'inner', 'report.html'), 'utf8');
    expect(html).not.toContain(Buffer.from(readFileSync(join(dir, 'secret.svg'))).toString('base64'));
    expect(html).toContain('missing figure ../secret.svg');
  });
});

describe('the Slurm script runs no injected command (item 7)', () => {
  const dir = join(root, 'slurm');
  mkdirSync(dir, { recursive: true });
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify({ base: { d: 8, p: 8 }, seeds: 2 }));
  const pwned = () => readdirSync(dir).filter((f) => f.startsWith('pwned'));

  it('refuses a line break in --results or in the spec file name it derives the folder from', async () => {
    const before = readdirSync(dir).sort();
    const script = join(dir, 'job.sh');
    const r = await giantstep('slurm', specFile, '--array', '2', '--results', `${dir}/r\ntouch ${dir}/pwned-newline`, '--out', script);
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^giantstep: results: the results folder ".*\\n.*" holds a line break or NUL, .*--results/);
    expect(existsSync(script)).toBe(false);
    const evilSpec = join(dir, 'a\ntouch pwned-name;.json');
    writeFileSync(evilSpec, JSON.stringify({ base: { d: 8, p: 8 }, seeds: 2 }));
    const byName = await giantstep('slurm', evilSpec, '--array', '2', '--out', script);
    expect(byName.code, byName.stderr).toBe(2);
    expect(oneLine(byName.stderr)).toContain('giantstep: results: ');
    expect(readdirSync(dir).sort()).toEqual([...before, 'a\ntouch pwned-name;.json'].sort());
    expect(pwned()).toEqual([]);
  });

  it('quotes hostile folder names: the script, run by bash, runs the shard there and nothing else', async () => {
    const results = join(dir, `r $(touch ${dir}/pwned1) \`touch ${dir}/pwned2\`; touch ${dir}/pwned3 'q" #x \\ &`);
    const script = join(dir, 'job-quoted.sh');
    const r = await giantstep('slurm', specFile, '--array', '2', '--results', results, '--out', script);
    expect(r.code, r.stderr).toBe(0);
    await exec('bash', ['-n', script]);
    const run = spawnSync('bash', [script], { cwd: dir, env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(pwned()).toEqual([]);
    expect(readFileSync(join(results, 'shard-1.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    // The #SBATCH log path is one quoted word, as sbatch reads it.
    expect(readFileSync(script, 'utf8')).toContain(`#SBATCH --output="${results.replace(/[\\"]/g, '\\$&')}/slurm-%A_%a.out"`);
  });
});

describe('sweep --out keeps every complete line and refuses files that are not results (item 8)', () => {
  it('keeps a complete last record without its newline (adds the newline, runs nothing again)', async () => {
    const out = join(root, 'no-final-newline.jsonl');
    const first = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', out, '--quiet');
    expect(first.code, first.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    writeFileSync(out, text.slice(0, -1)); // as a tool that strips the final newline would leave it
    const again = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('sweep: 0 runs in 0 engine runs');
    expect(again.stderr).not.toContain('torn');
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('refuses a config file (pretty or one line, with or without a final newline) given as --out, unchanged', async () => {
    const dir = join(root, 'not-results');
    mkdirSync(dir);
    const files: Record<string, string> = {
      'pretty.json': JSON.stringify({ d: 8, p: 8, steps: 2 }, null, 2),
      'pretty-nl.json': JSON.stringify({ d: 8, p: 8, steps: 2 }, null, 2) + '\n',
      'one-line.json': JSON.stringify({ d: 8, p: 8 }),
      'notes.txt': 'line one\nline two',
      'array.jsonl': '[1, 2]\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const r = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', path, '--quiet');
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`^giantstep: out: ${path.replace(/[/.]/g, '\\$&')}:\\d+ is not a result line .*--out`));
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort()); // no lock or temp file left
  });

  it('still cuts a torn last line (a record cut short) and runs that run again', async () => {
    const out = join(root, 'torn.jsonl');
    const first = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', out, '--quiet');
    expect(first.code).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    writeFileSync(out, `${lines[0]}\n${lines[1].slice(0, 40)}`);
    const again = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('dropped a torn last line');
    expect(again.stderr).toContain('sweep: 1 runs in 1 engine runs');
    const now = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(now[0]).toBe(lines[0]);
    expect(now.map((l) => JSON.parse(l).key)).toEqual(lines.map((l) => JSON.parse(l).key));
  });
});

describe('one sweep at a time per results file; readers count a run once (item 9)', () => {
  it('a second sweep on a file in use is refused (exit 2, naming the file); the file gets each run once', async () => {
    const out = join(root, 'locked.jsonl');
    const args = ['sweep', '--d', '128', '--p', '128', '--seeds', '4', '--jobs', '1', '--out', out, '--quiet'];
    const first = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d) => (firstErr += d));
    const firstDone = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!existsSync(`${out}.lock`) && Date.now() < deadline && first.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(`${out}.lock`)).toBe(true);
    const second = await giantstep(...args);
    expect(second.code, second.stderr).toBe(2);
    expect(oneLine(second.stderr)).toMatch(
      new RegExp(
        `^giantstep: out: ${out.replace(/[/.]/g, '\\$&')} is in use by another sweep \\(process ${first.pid} on .*lock ${out.replace(/[/.]/g, '\\$&')}\\.lock\\)`,
      ),
    );
    expect(await firstDone, firstErr).toBe(0);
    const keys = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).key);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(4);
    expect(existsSync(`${out}.lock`)).toBe(false); // released at the end
  });

  it('every writer respects the lock of the real file: merge, a symbolic link, a hard link', async () => {
    const out = join(root, 'busy.jsonl');
    const args = ['sweep', '--d', '256', '--p', '512', '--kappa', '1.6', '--seeds', '40', '--jobs', '1', '--out', out, '--quiet'];
    const first = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const firstDone = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!existsSync(`${out}.lock`) && Date.now() < deadline && first.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(`${out}.lock`)).toBe(true);
    const merge = await giantstep('merge', out, '--out', out);
    expect([merge.code, oneLine(merge.stderr)]).toEqual([2, expect.stringContaining('is in use by another sweep')]);
    const link = join(root, 'busy-link.jsonl');
    symlinkSync(out, link);
    const viaLink = await giantstep('sweep', '--d', '16', '--p', '8', '--seeds', '1', '--out', link, '--quiet');
    expect([viaLink.code, oneLine(viaLink.stderr)]).toEqual([2, expect.stringContaining('is in use by another sweep')]);
    const hard = join(root, 'busy-hard.jsonl');
    linkSync(out, hard);
    const viaHard = await giantstep('sweep', '--d', '16', '--p', '8', '--seeds', '1', '--out', hard, '--quiet');
    expect([viaHard.code, oneLine(viaHard.stderr)]).toEqual([2, expect.stringContaining('hard links')]);
    unlinkSync(hard);
    expect(first.exitCode, 'the first sweep was still running during the checks').toBe(null);
    first.kill('SIGINT');
    await firstDone;
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 120_000);

  it('a sweep whose file is replaced under it appends to the new file, not to the unlinked one', () => {
    const out = join(root, 'replaced.jsonl');
    const line = (key: string) =>
      ({ key, params: {}, config: { d: 1 }, version: '0', engineVersion: '0', memoryEstimateBytes: 0, timing: { seconds: 0 } }) as unknown as SweepRecord;
    const warnings: string[] = [];
    const file = ResultsFile.open(out, (m) => warnings.push(m));
    file.append(line('a'));
    // Another writer (ignoring the lock) renames a new file over it, as merge --out did in 0.2.0.
    writeFileSync(`${out}.new`, `${JSON.stringify(line('a'))}\n${JSON.stringify(line('z'))}\n`);
    renameSync(`${out}.new`, out);
    file.append(line('b'));
    file.close();
    const keys = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).key);
    expect(keys).toEqual(['a', 'z', 'b']);
    expect(warnings.join('\n')).toContain('was replaced while this sweep appended to it');
  });

  it('readers refuse devices and pipes in one line instead of reading forever', async () => {
    const fifo = join(root, 'pipe.jsonl');
    spawnSync('mkfifo', [fifo]);
    for (const [cmd, file] of [
      ['summarize', '/dev/zero'],
      ['merge', '/dev/zero'],
      ['summarize', fifo],
    ] as const) {
      const args = cmd === 'merge' ? [cmd, file, '--out', join(root, 'm.jsonl')] : [cmd, file];
      const r = await giantstep(...args);
      expect([r.code, oneLine(r.stderr)], `${cmd} ${file}`).toEqual([
        2,
        expect.stringMatching(/^giantstep: files: .* is a (device|named pipe \(FIFO\)); give a results file/),
      ]);
    }
  });

  it('takes over the stale lock of a sweep that was killed', async () => {
    const out = join(root, 'stale.jsonl');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(
      `${out}.lock`,
      JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname(), since: '2020-01-01T00:00:00Z', token: 'x' }),
    );
    const r = await giantstep('sweep', ...TINY, '--seeds', '2', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it('plot and summarize count a line written twice once', async () => {
    const res = await results();
    const doubled = join(root, 'doubled.jsonl');
    writeFileSync(doubled, readFileSync(res, 'utf8').repeat(2));
    const fig = join(root, 'doubled-fig');
    const p = await giantstep('plot', doubled, '--x', 'config.d', '--y', 'testError', '--out', `${fig}.svg`);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain('3 duplicate lines');
    const spec = readFileSync(`${fig}.vl.json`, 'utf8');
    expect(spec).toContain('3 runs from');
    const single = plotRecords(
      readFileSync(res, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
      { x: 'config.d', y: ['testError'] },
    );
    const twice = plotRecords(
      readFileSync(doubled, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
      { x: 'config.d', y: ['testError'] },
    );
    expect(JSON.stringify(twice)).toBe(JSON.stringify(single)); // same means, same error bars
    const s = await giantstep('summarize', doubled, '--json');
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).groups[0].count).toBe(3);
  });
});

describe('plans too large to build are refused before they are built (item 12)', () => {
  it('refuses 1e9 seeds, a 1e9-value range and a grid product above the limit, naming the field', async () => {
    const cases: [string[], RegExp][] = [
      [['--seeds', '1000000000'], /^giantstep: seeds: 1000000000 seeds are above the limit of 1000000 runs per sweep/],
      [['--grid', 'kappa=1:2:1000000000'], /^giantstep: grid\.kappa: 1000000000 values are above the limit of 1000000 runs per sweep/],
      [
        ['--grid', 'kappa=1:2:2000', '--grid', 'eta=1:2:1000', '--seeds', '10'],
        /^giantstep: grid: kappa 2000 × eta 1000 × seeds 10 make 2\.00e\+7 runs, above the limit of 1000000 runs per sweep/,
      ],
    ];
    for (const [args, message] of cases) {
      const out = join(root, 'huge.jsonl');
      const r = await giantstep('sweep', ...TINY, ...args, '--out', out);
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r.stderr)).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    const spec = join(root, 'huge-spec.json');
    writeFileSync(spec, JSON.stringify({ base: { d: 8, p: 8 }, grid: { kappa: { linspace: [1, 2, 1e9] } } }));
    const r = await giantstep('sweep', spec, '--dry-run');
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^giantstep: grid\.kappa: /);
  });

  it('a dry run of 300000 seeds plans without overflowing the stack', async () => {
    const r = await giantstep('sweep', ...TINY, '--seeds', '300000', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('300000 runs in 300000 engine runs');
  });

  it('reducers over many values (max, min, maxAbs) do not overflow the stack', () => {
    const big = Array.from({ length: 300_000 }, (_, i) => (i === 123 ? -5 : i % 7));
    const spec = plotRecords([{ config: { d: 1, seed: 0 }, big }], { x: 'config.d', y: ['max(big.*)', 'min(big.*)', 'maxAbs(big.*)'] });
    expect(JSON.stringify(spec)).toContain('"y":6');
    expect(JSON.stringify(spec)).toContain('"y":-5');
  });
});

// Round 3 of hostile input: faults while writing, echoed text, and the reads that were still unbounded.
describe('faults and echoed text: one bounded, escaped line, nothing lost', () => {
  it('a sweep that hits the file-size limit keeps its whole runs, names --out and says how to resume', async () => {
    const out = join(root, 'efbig.jsonl');
    const script = `trap '' XFSZ; ulimit -f 20; exec "${process.execPath}" "${cli}" sweep --d 8 --p 8 --n 16 --n-test 16 --seeds 60 --quiet --out "${out}"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(74);
    expect(oneLine(r.stderr)).toMatch(
      /^giantstep: out: cannot append to .*efbig\.jsonl: the file reached the largest size allowed .* run the same command again to resume$/,
    );
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true); // no torn line left: the part written was cut back
    const kept = text.split('\n').filter(Boolean);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(60);
    expect(r.stderr).toContain(`the ${kept.length} results already in it are kept whole`);
    for (const line of kept) expect(() => JSON.parse(line)).not.toThrow();
    // The write failure is no failed run: nothing is recorded as one, and the same command finishes all 60.
    expect(kept.some((l) => JSON.parse(l).error)).toBe(false);
    for (const limit of [1, 2, 21, 22]) {
      const again = join(root, `efbig-${limit}.jsonl`);
      spawnSync('bash', ['-c', script.replace('ulimit -f 20', `ulimit -f ${limit}`).replace(out, again)], { encoding: 'utf8' });
      const rerun = await giantstep('sweep', '--d', '8', '--p', '8', '--n', '16', '--n-test', '16', '--seeds', '60', '--quiet', '--out', again);
      expect(rerun.code, rerun.stderr).toBe(0);
      const records = readFileSync(again, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(new Set(records.map((x) => x.key)).size, `ulimit -f ${limit}`).toBe(60);
      expect(records.filter((x) => x.error).length, `ulimit -f ${limit}`).toBe(0);
    }
  });

  it('stdout on a full device (/dev/full) is one line and exit 1, no stack trace', () => {
    const r = spawnSync(process.execPath, [cli, 'presets'], { encoding: 'utf8', stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'] });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^giantstep: cannot write to standard output: ENOSPC/);
  });

  it('a 4,000-character input is echoed cut in the middle, keeping the field and the fix', async () => {
    const r = await giantstep('run', '--preset', `${'x'.repeat(4000)}q`);
    expect(r.code).toBe(2);
    const line = oneLine(r.stderr);
    expect(line.length).toBeLessThan(1300);
    expect(line).toMatch(/^giantstep: preset: unknown preset 'xxx/);
    expect(line).toMatch(/characters left out\].*choose one of notebook-single-step/);
    // An expression is shown around the column at fault, the caret under it.
    const e = await giantstep('run', '--activation', `${'x'.repeat(4000)}q`);
    const lines = e.stderr.trimEnd().split('\n');
    expect([e.code, lines.length]).toEqual([2, 3]);
    expect(lines.every((l) => l.length < 200)).toBe(true);
  });

  it('escape sequences and bidi overrides in input or in a results file reach no terminal and no figure', async () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looks for a raw ESC (and U+202E) in the output
    const raw = /[\u001b\u202e]/;
    const r = await giantstep('run', '--preset', 'x\u001b[31m\u202e');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('\\u001b[31m\\u{202e}');
    const expression = await giantstep('run', '--activation', 'x\u001b[31m\u202e');
    expect(expression.code).toBe(2);
    expect(expression.stderr).not.toMatch(raw);
    // A crafted results file: the same record twice, once with control characters in its target.
    const res = await results();
    const good = readFileSync(res, 'utf8').split('\n').filter(Boolean)[0];
    const evil = good.replace(/"target":"[^"]*"/, '"target":"u1\\u001b[2J\u202eEVIL"');
    expect(evil).not.toBe(good);
    const file = join(root, 'evil.jsonl');
    writeFileSync(file, `${evil}\n`);
    const plot = await giantstep('plot', file, '--x', 'config.d', '--y', 'testError', '--out', join(root, 'evil.png'));
    expect(plot.code).toBe(2);
    expect(oneLine(plot.stderr)).toMatch(
      /^giantstep: files: .*evil\.jsonl holds no result records \(line 1: a string holds control or bidirectional characters/,
    );
    expect(plot.stderr).not.toMatch(raw);
    expect(existsSync(join(root, 'evil.png'))).toBe(false);
    writeFileSync(file, `${evil}\n${good}\n`);
    const s = await giantstep('summarize', file, '--json');
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/evil\.jsonl:1: not a result line \(a string holds control/);
    expect(s.stderr + s.stdout).not.toMatch(raw);
    expect(JSON.parse(s.stdout).groups[0].count).toBe(1);
  });

  it("commander's own usage errors name the field, bounded and escaped", async () => {
    const cases: [string[], RegExp][] = [
      [['theory', 'one-step', '--alpha', 'abc'], /^giantstep: alpha: option '--alpha <list>' argument 'abc' is invalid\. expected comma-separated numbers$/],
      [['theory', 'error', '--preset', 'osa-one-step'], /^giantstep: alphaReadout: required option '--alpha-readout <list>' not specified$/],
      [['run', '--\u001b[31mRED'], /^giantstep: arguments: unknown option '--\\u\{1b\}\[31mRED'$/],
      [['run', `--${'A'.repeat(4000)}`], /^giantstep: arguments: unknown option '--AAA.*characters left out.*AAA'$/],
    ];
    for (const [args, message] of cases) {
      const r = await giantstep(...args);
      expect([r.code, oneLine(r.stderr)], args.join(' ').slice(0, 60)).toEqual([2, expect.stringMatching(message)]);
      expect(r.stderr.length).toBeLessThan(1300);
    }
  });

  it('plot writes a title with control or bidi characters as escapes: the SVG stays valid XML', async () => {
    const res = await results();
    const out = join(root, 'titled');
    const r = await giantstep('plot', res, '--x', 'config.d', '--y', 'testError', '--title', 'a\u001b[31mb\u202ec', '--out', `${out}.svg`);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(`${out}.svg`, 'utf8');
    expect(svg).toContain('a\\u{1b}[31mb\\u{202e}c');
    expect(svg).not.toContain('\u001b');
    expect(svg).not.toContain('\u202e');
  });

  it('merge skips a record nested 100,000 deep (no result nests past 32) instead of overflowing the stack', async () => {
    const res = await results();
    const good = readFileSync(res, 'utf8').split('\n').filter(Boolean)[0];
    const deep = good.replace('{"key":"', `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},"key":"`);
    const file = join(root, 'deep.jsonl');
    writeFileSync(file, `${deep}\n${good}\n`);
    const r = await giantstep('merge', file, '--out', join(root, 'deep-merged.jsonl'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('deep.jsonl:1: not a result line (it nests deeper than 32 levels');
    expect(readFileSync(join(root, 'deep-merged.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a refusal whose stderr is full (/dev/full) keeps its exit code 2', () => {
    const r = spawnSync(process.execPath, [cli, 'run', '--d', '-3'], { stdio: ['ignore', 'pipe', openSync('/dev/full', 'w')] });
    expect(r.status).toBe(2);
  });

  it('plot --theory reads a bounded regular file: a device and a file over 64 MiB are refused', async () => {
    const res = await results();
    const big = join(root, 'big-theory.json');
    writeFileSync(big, '');
    truncateSync(big, 65 * 1024 * 1024); // sparse: nothing is written
    for (const [theory, message] of [
      ['/dev/zero', /^giantstep: theory: \/dev\/zero is not a regular file/],
      [big, /^giantstep: theory: .*big-theory\.json is larger than 64 MiB, the most a theory file may hold/],
    ] as const) {
      const r = await giantstep('plot', res, '--x', 'config.d', '--y', 'testError', '--theory', theory, '--out', join(root, 't.svg'));
      expect([r.code, oneLine(r.stderr)]).toEqual([2, expect.stringMatching(message)]);
    }
  });

  it('a YAML spec nested by compact dashes (- - - …) is refused before the parser recurses', async () => {
    const spec = join(root, 'dashes.yaml');
    writeFileSync(spec, `${'- '.repeat(5000)}1\n`);
    const r = await giantstep('sweep', spec, '--dry-run');
    expect([r.code, oneLine(r.stderr)]).toEqual([2, expect.stringMatching(/^giantstep: spec: .*dashes\.yaml nests deeper than 64 levels/)]);
  });
});

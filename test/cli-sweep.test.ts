// The sweep commands end to end: sweep (with kill -9 and Ctrl-C halfway, then resume), dry run,
// summarize, merge, slurm, bad input and help.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../src/sweep';
import { cli, giantstep } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'giantstep-sweep-cli-'));

/** Complete lines of a results file (a torn tail, if any, left out). */
function completeLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean);
}

/** Starts a sweep, waits until the file has `lines` complete lines, then sends `signal`. */
async function interrupt(
  args: string[],
  out: string,
  lines: number,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  const deadline = Date.now() + 60_000;
  while (completeLines(out).length < lines && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
  child.kill(signal);
  return { ...(await exited), stderr };
}

const spec = {
  base: { d: 128, p: 64, nTest: 20000, target: 'T-B' }, // ~0.1 s per engine run: slow enough to stop halfway
  grid: { kappa: { linspace: [1.6, 2.1, 8] }, steps: [1, 2] },
  seeds: 3,
};

describe('giantstep sweep', () => {
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const plan = planSweep(spec);
  const allKeys = plan.points.map((p) => p.key).sort();

  it('killed with -9 halfway, loses at most the runs in flight; the re-run finishes only the missing runs', async () => {
    const out = join(dir, 'killed.jsonl');
    const killed = await interrupt(['sweep', specFile, '--out', out, '--jobs', '1', '--quiet'], out, 10, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const kept = completeLines(out);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(allKeys.length); // it was stopped halfway
    const keptKeys = kept.map((l) => JSON.parse(l).key);
    const tornBytes = statSync(out).size - kept.join('\n').length - 1;

    const rerun = await giantstep('sweep', specFile, '--out', out);
    expect(rerun.code).toBe(0);
    const missing = allKeys.length - kept.length;
    expect(rerun.stderr).toContain(`sweep: ${missing} runs in`);
    expect(rerun.stderr).toContain(`; ${kept.length} already in ${out}`);
    if (tornBytes > 0) expect(rerun.stderr).toContain('dropped a torn last line');
    // One progress line per run done now: exactly the missing ones.
    const done = rerun.stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
    expect(done).toHaveLength(missing);
    expect(done.at(-1)).toMatch(new RegExp(`^\\[${missing}/${missing}\\] kappa=`));

    const final = completeLines(out);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
    expect(final.slice(0, kept.length)).toEqual(kept); // the lines written before the kill are untouched
    const finalKeys = final.map((l) => JSON.parse(l).key);
    expect([...finalKeys].sort()).toEqual(allKeys);
    expect(finalKeys.slice(kept.length).some((k) => keptKeys.includes(k))).toBe(false);

    const again = await giantstep('sweep', specFile, '--out', out);
    expect(again.stderr).toContain(`sweep: 0 runs in 0 engine runs`);
    expect(completeLines(out)).toEqual(final);
  });

  it('stops on Ctrl-C with exit code 130, whole lines only, and says how to resume', async () => {
    const out = join(dir, 'interrupted.jsonl');
    const stopped = await interrupt(['sweep', specFile, '--out', out, '--jobs', '1', '--quiet'], out, 4, 'SIGINT');
    expect(stopped.code).toBe(130);
    // One line says it all (no second "aborted" line).
    expect(stopped.stderr.trim()).toMatch(/^giantstep: sweep stopped after \d+ of 48 runs; run the same command again to finish$/);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
    const resumed = await giantstep('sweep', specFile, '--out', out, '--quiet');
    expect(resumed.code).toBe(0);
    expect(
      completeLines(out)
        .map((l) => JSON.parse(l).key)
        .sort(),
    ).toEqual(allKeys);
  });

  it('takes the grid, seeds and base fields from flags, without a spec file', async () => {
    const out = join(dir, 'flags.jsonl');
    const { code } = await giantstep(
      'sweep',
      '--d',
      '40',
      '--p',
      '30',
      '--n-test',
      '500',
      '--grid',
      'kappa=1.2:1.6:3',
      '--grid',
      'steps=1,2',
      '--seeds',
      '2',
      '--out',
      out,
      '--quiet',
    );
    expect(code).toBe(0);
    const records = completeLines(out).map((l) => JSON.parse(l));
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.config.kappa))).toEqual(new Set([1.2, 1.4, 1.6]));
    expect(records.every((r) => r.config.d === 40 && r.config.nTest === 500)).toBe(true);
    // Flags on top of a file: the file's grid with one more axis value set.
    const spec2 = join(dir, 'small.yaml');
    writeFileSync(spec2, 'base: {d: 40, p: 30, nTest: 500}\ngrid: {kappa: [1.2, 1.4]}\n');
    const dry = await giantstep('sweep', spec2, '--grid', 'kappa=1.2,1.4,1.6', '--seeds', '2', '--out', out, '--dry-run');
    expect(dry.stdout).toContain('6 runs in 6 engine runs');
    expect(dry.stdout).toContain(`0 runs to do in 0 engine runs, 6 already in ${out}`);
  });

  it('--dry-run prints the run count, memory and a time estimate, and runs nothing', async () => {
    const out = join(dir, 'dry.jsonl');
    const { code, stdout } = await giantstep('sweep', specFile, '--out', out, '--dry-run', '--shard', '2/3');
    expect(code).toBe(0);
    expect(stdout).toContain('48 runs in 24 engine runs');
    expect(stdout).toMatch(/shard 2\/3: 16 runs to do in 8 engine runs, 0 already in/);
    expect(stdout).toMatch(/memory: about \d+ MB per engine run, 2 at once/);
    expect(stdout).toMatch(/time: about [\d.]+ s \([\d.]+ GFLOP at the [\d.]+ GFLOP\/s measured here/);
    expect(existsSync(out)).toBe(false);
  });

  it('summarize prints a table or JSON of mean, std, sem and count per group', async () => {
    const out = join(dir, 'killed.jsonl');
    const table = await giantstep('summarize', out, '--by', 'kappa,steps', '--metric', 'testError');
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0].trim().split(/\s+/)).toEqual(['kappa', 'steps', 'mean(testError)', 'std(testError)', 'sem(testError)', 'count(testError)']);
    expect(rows).toHaveLength(1 + 16);
    expect(rows[1].trim().split(/\s+/)[0]).toBe('1.6');
    expect(rows.slice(1).every((r) => r.trim().endsWith(' 3'))).toBe(true);
    const json = JSON.parse((await giantstep('summarize', out, '--by', 'steps', '--pool', 'kappa', '--json')).stdout);
    expect(json.by).toEqual(['steps']);
    expect(json.groups.map((g: { steps: number; count: number }) => [g.steps, g.count])).toEqual([
      [1, 24],
      [2, 24],
    ]);
    for (const g of json.groups) expect(g.sem).toBeCloseTo(g.std / Math.sqrt(g.count), 12);
    const bad = await giantstep('summarize', out, '--by', 'width');
    expect([bad.code, bad.stderr.trim()]).toEqual([2, "giantstep: by: no run has a field 'width'"]);
  });

  it('summarize takes several metrics at once: a row per group and metric, named in the table and the JSON', async () => {
    const out = join(dir, 'killed.jsonl');
    const rf = 'baselines.randomFeatures.testError';
    const both = await giantstep('summarize', out, '--by', 'steps', '--pool', 'kappa', '--metric', `testError,${rf}`, '--metric', 'trainError');
    expect(both.code).toBe(0);
    const rows = both.stdout
      .trim()
      .split('\n')
      .map((r) => r.trim().split(/\s+/));
    // Long, not wide: three metrics stay seven columns (22 before, past any terminal's width).
    expect(rows[0]).toEqual(['steps', 'metric', 'mean', 'std', 'sem', 'count']);
    expect(rows.slice(1).every((r) => r.length === 6)).toBe(true);
    expect(rows.slice(1, 4).map((r) => r[1])).toEqual(['testError', rf, 'trainError']);
    const json = JSON.parse((await giantstep('summarize', out, '--by', 'steps', '--pool', 'kappa', '--metric', `testError,${rf}`, '--json')).stdout);
    expect(json.metrics).toEqual(['testError', rf]);
    const alone = JSON.parse((await giantstep('summarize', out, '--by', 'steps', '--pool', 'kappa', '--metric', rf, '--json')).stdout);
    expect(json.summaries[1]).toEqual(alone);
    // The table's numbers are the JSON's, group by group.
    const rfRows = rows.slice(1).filter((r) => r[1] === rf);
    expect(rfRows.map((r) => [Number(r[0]), Number(r[2])])).toEqual(
      alone.groups.map((g: { steps: number; mean: number }) => [g.steps, Number(g.mean.toPrecision(4))]),
    );
  });

  it('merge deduplicates results files into one', async () => {
    const a = join(dir, 'killed.jsonl');
    const merged = join(dir, 'merged.jsonl');
    const { code, stderr } = await giantstep('merge', a, join(dir, 'interrupted.jsonl'), a, '--out', merged);
    expect(code).toBe(0);
    expect(stderr).toContain(`merge: 48 runs from 3 files into ${merged} (96 duplicate lines dropped)`);
    expect(
      completeLines(merged)
        .map((l) => JSON.parse(l).key)
        .sort(),
    ).toEqual(allKeys);
    const missing = await giantstep('merge', join(dir, 'nope.jsonl'), '--out', merged);
    expect([missing.code, missing.stderr]).toEqual([2, `giantstep: files: cannot read ${join(dir, 'nope.jsonl')}: no such file\n`]);
  });

  it('slurm writes a job-array script over the shards', async () => {
    const script = join(dir, 'job.sbatch');
    const results = join(dir, 'shards');
    const { code, stderr } = await giantstep(
      'slurm',
      specFile,
      '--array',
      '4',
      '--partition',
      'debug',
      '--time',
      '10:00',
      '--results',
      results,
      '--out',
      script,
    );
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${script}`);
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n#SBATCH --job-name=giantstep-sweep\n#SBATCH --array=1-4\n/);
    expect(text).toContain('#SBATCH --partition=debug');
    expect(text).toContain('#SBATCH --time=10:00');
    expect(text).toContain(`--shard "\${SLURM_ARRAY_TASK_ID}/4" --out ${results}/"shard-\${SLURM_ARRAY_TASK_ID}.jsonl"`);
    expect(existsSync(results)).toBe(true);
    // A % in the results folder is written %% in the log path, where sbatch expands %-patterns.
    const percent = join(dir, 'shards-100%u');
    const withPercent = await giantstep('slurm', specFile, '--array', '2', '--results', percent);
    expect(withPercent.code).toBe(0);
    expect(withPercent.stdout).toContain(`#SBATCH --output=${percent.replace('%', '%%')}/slurm-%A_%a.out`);
    expect(withPercent.stdout).toContain(`--out ${percent}/"shard-`);
    const bad = await giantstep('slurm', specFile, '--array', '4', '--time', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('time: ');
  });

  it.each([
    [['sweep', '--grid', 'kapa=1:2:3', '--out', 'x.jsonl'], "grid.kapa: unknown config field 'kapa'"],
    [['sweep', '--grid', 'kappa=', '--out', 'x.jsonl'], 'grid.kappa: has no values'],
    [['sweep', '--grid', 'kappa=1.2,abc', '--out', 'x.jsonl'], 'grid.kappa[1]: must be a finite number, not a string ("abc")'],
    [['sweep', '--grid', 'steps=1,2', '--seeds', '0', '--out', 'x.jsonl'], 'seeds: a count must be a whole number >= 1'],
    [['sweep', '--grid', 'p=100,100000', '--d', '2000', '--n', '100', '--out', 'x.jsonl'], 'p: this run needs about'],
    [['sweep', '--grid', 'kappa=1,2', '--shard', '3/2', '--out', 'x.jsonl'], 'shard: '],
    [['sweep', '--grid', 'kappa=1,2'], 'out: give --out'],
    [['sweep', '/nonexistent/spec.json', '--out', 'x.jsonl'], 'spec: cannot read'],
    [['slurm', '--grid', 'kappa=1,2', '--array', '0'], 'array: give a whole number from 1 to 1000000 in digits, got "0"'],
    [['slurm', '--grid', 'kappa=1,2', '--array', '1e300'], 'array: give a whole number from 1 to 1000000 in digits, got "1e300"'],
    [['slurm', '--grid', 'kappa=1,2', '--array', '2', '--jobs', 'abc'], 'jobs: give a whole number from 1 to 4096 in digits, got "abc"'],
    [['slurm', '--grid', 'kappa=1,2', '--array', '2', '--cpus-per-task', '1e300'], 'cpusPerTask: give a whole number from 1 to 4096'],
    [['slurm', '--grid', 'kappa=1,2', '--array', '2', '--time', '12345678901234567890'], 'time: '],
  ])('bad input %j exits 2 naming the field, before any run', async (args, text) => {
    const { code, stderr } = await giantstep(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(text);
    expect(existsSync('x.jsonl')).toBe(false);
  });

  it('has --help on every sweep command', async () => {
    for (const name of ['sweep', 'summarize', 'merge', 'slurm']) {
      const { code, stdout } = await giantstep(name, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: giantstep ${name}`);
    }
  });
});

// `giantstep sweep`: runs a sweep spec (file and/or --grid/--seeds/flags) into a resumable JSONL file.

import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { ConfigInput } from '../config';
import { ConfigError, mergeConfigs } from '../config';
import { defaultMemoryLimit } from '../run';
import type { SweepJob, SweepProgress, SweepRecord, SweepRun, SweepSpec } from '../sweep';
import { groupJobs, jobCost, measureThroughput, parseGridFlag, parseSeedsFlag, readSpecFile, sweep } from '../sweep';
import { addConfigOptions, configFromFlags } from './options';
import { say } from './say';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options that shape a spec, shared by `sweep` and `slurm`. */
export function addSpecOptions(cmd: Command): Command {
  cmd
    .option('--grid <axis>', 'an axis: FIELD=START:STOP:COUNT (linspace), FIELD=log:START:STOP:COUNT or FIELD=V1,V2,...; repeat for more axes', collect, [])
    .option('--seeds <seeds>', 'a count N (seeds 0..N-1) or a list 0,3,7')
    .option('--preset <name>', 'base protocol (see `giantstep presets`)');
  return addConfigOptions(cmd);
}

/** The spec file (if any) with the command line's axes, seeds and base fields on top. */
export function specFromOptions(file: string | undefined, opts: Record<string, unknown>): SweepSpec {
  const raw = file ? readSpecFile(file) : {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError('spec', `${file} must hold an object with "base", "grid", "zip" and "seeds"`);
  const spec = { ...(raw as Record<string, unknown>) } as SweepSpec & Record<string, unknown>;
  const flags: ConfigInput = { ...configFromFlags(opts), ...(opts.preset ? { preset: opts.preset as string } : {}) };
  if (Object.keys(flags).length > 0) {
    const base = spec.base && typeof spec.base === 'object' ? spec.base : {};
    spec.base = mergeConfigs(base, flags);
  }
  const axes = (opts.grid as string[]).map(parseGridFlag);
  if (axes.length > 0) spec.grid = { ...(spec.grid && typeof spec.grid === 'object' ? spec.grid : {}), ...Object.fromEntries(axes) };
  if (opts.seeds !== undefined) spec.seeds = parseSeedsFlag(opts.seeds as string);
  return spec;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

const mb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`);

/** Engine runs in groups of two or more that share a baseline pass, and the passes they need. */
function sharedBaselines(jobs: SweepJob[]): { runs: number; passes: number } {
  const groups = groupJobs(jobs).filter((g) => g.length > 1);
  return { runs: groups.reduce((s, g) => s + g.length, 0), passes: groups.length };
}

async function dryRun(run: SweepRun, out: string | undefined, shard: string | undefined): Promise<void> {
  const { plan, todo } = run;
  const peak = todo.reduce((m, j) => Math.max(m, j.memoryEstimateBytes), 0); // no spread: a plan can be large
  const lines = [
    `${plan.points.length} runs in ${plan.jobs.length} engine runs (runs that differ only in steps share one)`,
    `${shard ? `shard ${shard}: ` : ''}${run.total} runs to do in ${todo.length} engine runs${out ? `, ${run.skipped} already in ${out}` : ''}`,
  ];
  const shared = sharedBaselines(todo);
  if (shared.runs > 0) {
    lines.push(
      `baselines: ${shared.runs} engine runs that differ only in target share ${shared.passes} random-features baseline passes (${shared.runs - shared.passes} saved)`,
    );
  }
  if (todo.length > 0) lines.push(`memory: about ${mb(peak)} per engine run, ${run.jobs} at once (limit ${mb(defaultMemoryLimit())})`);
  process.stdout.write(lines.join('\n') + '\n');
  if (todo.length === 0) return;
  // Measure at the shapes of the median engine run (by cost).
  const median = [...todo].sort((a, b) => a.flops - b.flops)[Math.floor(todo.length / 2)];
  const throughput = await measureThroughput(median.config, run.jobs);
  const flops = todo.reduce((s, j) => s + jobCost(j), 0);
  process.stdout.write(
    `time: about ${formatSeconds(flops / throughput)} (${(flops / 1e9).toFixed(1)} GFLOP at the ${(throughput / 1e9).toFixed(1)} GFLOP/s measured here with ${run.jobs} at once)\n`,
  );
}

/** Progress on stderr: a bar on a terminal; one line per finished run in logs; nothing with --quiet. */
class SweepDisplay {
  private bar?: SingleBar;
  private last?: SweepProgress;
  constructor(
    private readonly mode: 'bar' | 'lines' | 'quiet',
    total: number,
  ) {
    if (mode === 'bar' && total > 0) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: '{bar} {value}/{total} runs | ETA {etaText} | {running}',
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(total, 0, { etaText: '…', running: '' });
    }
  }

  progress(p: SweepProgress): void {
    this.last = p;
    this.bar?.update(p.done, { etaText: p.etaSeconds === null ? '…' : formatSeconds(p.etaSeconds), running: p.running.join('; ') });
  }

  record(r: SweepRecord, done: number, total: number): void {
    if (this.mode !== 'lines') return;
    const params = Object.entries(r.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const what = r.error ? `failed: ${r.error.message}` : `test error ${r.testError?.toFixed(4) ?? 'n/a'}`;
    const eta = this.last?.etaSeconds != null ? `, ETA ${formatSeconds(this.last.etaSeconds)}` : '';
    say(`[${done}/${total}] ${params}: ${what}${eta}`);
  }

  stop(): void {
    this.bar?.stop();
  }
}

export function sweepCommand(): Command {
  const cmd = new Command('sweep')
    .description('run a grid of experiments over any config fields and seeds, appending each finished run to a JSON Lines file (resumable)')
    .argument('[spec]', 'sweep spec, JSON or YAML: {"base": {...}, "grid": {...}, "zip": [[...]], "seeds": N}; - reads stdin')
    .option('--out <file>', 'results file (JSON Lines); runs already in it are skipped')
    .option('--shard <i/N>', 'run only shard i of N (1-based) of the engine runs')
    .option('--jobs <n>', 'engine runs at once (default: min(2, cores) when every run has d*p < 32768, else 1)', (v) => Number(v))
    .option('--dry-run', 'print the run count and a cost estimate, run nothing')
    .option('--quiet', 'no progress bar or per-run lines on stderr');
  addSpecOptions(cmd);
  cmd.action(async (file: string | undefined, opts) => {
    const spec = specFromOptions(file, opts);
    if (!opts.out && !opts.dryRun) throw new ConfigError('out', 'give --out results.jsonl (the resumable results file)');
    const controller = new AbortController();
    const warn = (m: string) => say(`giantstep: warning: ${m}`);
    let display: SweepDisplay | undefined;
    const run = sweep(spec, {
      out: opts.out,
      shard: opts.shard,
      jobs: opts.jobs,
      signal: controller.signal,
      onWarning: warn,
      onProgress: (p) => display?.progress(p),
    });
    if (opts.dryRun) return dryRun(run, opts.out, opts.shard);
    const mode = opts.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines';
    if (!opts.quiet) {
      const skipped = run.skipped > 0 ? `; ${run.skipped} already in ${opts.out}` : '';
      say(`sweep: ${run.total} runs in ${run.todo.length} engine runs, ${run.jobs} at once${skipped}`);
    }
    display = new SweepDisplay(mode, run.total);
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const t0 = Date.now();
    let done = 0;
    let failed = 0;
    try {
      for await (const record of run) {
        done++;
        if (record.error) failed++;
        display.record(record, done, run.total);
      }
    } catch (e) {
      display.stop();
      if ((e as Error).name === 'AbortError') {
        // The one line an interrupted sweep prints (main adds no "aborted" after it).
        say(`giantstep: sweep stopped after ${done} of ${run.total} runs; run the same command again to finish`);
        throw Object.assign(e as Error, { explained: true });
      }
      throw e;
    } finally {
      display.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    if (failed > 0) warn(`${failed} runs failed; their lines in ${opts.out} carry the engine's "error"`);
    if (!opts.quiet) say(`sweep: wrote ${done} runs to ${opts.out} in ${formatSeconds((Date.now() - t0) / 1000)}`);
  });
  return cmd;
}

// Slurm job-array scripts: task i of N runs shard i/N of the sweep into its own results file; the spec
// travels inside the script, so it runs the sweep it was generated for even if the spec file changes.
import { ConfigError, quoted } from '../config';

export interface SlurmOptions {
  /** Number of array tasks (shards). */
  array: number;
  /** Folder of the shard results (shard-<i>.jsonl) and task logs; absolute. */
  resultsDir: string;
  /** Command that runs the giantstep CLI on the compute nodes, e.g. ['/usr/bin/node', '/opt/giantstep/dist/cli/main.js']. */
  command: string[];
  partition?: string;
  /** Slurm time limit per task: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  time?: string;
  cpusPerTask?: number;
  /** Memory per task, Slurm syntax (e.g. 4G). */
  mem?: string;
  jobName?: string;
  /** Extra `giantstep sweep` flags for every task (e.g. ['--jobs', '2']). */
  sweepArgs?: string[];
  /** A comment for the script's head (version, run counts). */
  comment?: string[];
}

const SPEC_END = 'GIANTSTEP_SPEC';

/** Quotes a word for bash (single quotes; a ' inside becomes '\''). Words with a line break are refused by slurmScript. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an #SBATCH option value as sbatch reads it (double quotes, \ and " escaped; # would start a comment). */
function sbatchQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Line breaks and NUL cannot be quoted in the script's comments and #SBATCH lines: refused, naming the field. */
function checkText(field: string, what: string, value: unknown, fix: string): void {
  if (typeof value !== 'string') throw new ConfigError(field, `${what} must be text`);
  if (/[\n\r\0]/.test(value)) {
    throw new ConfigError(field, `${what} ${JSON.stringify(value)} holds a line break or NUL, which would break the generated script: ${fix}`);
  }
}

/** Largest job array and cores per task accepted (Slurm's own MaxArraySize is at most 4,000,001). */
export const MAX_ARRAY = 1_000_000;
export const MAX_CPUS = 4096;

function check(o: SlurmOptions): void {
  checkText('results', 'the results folder', o.resultsDir, 'give --results a folder without line breaks (the default comes from the spec file name)');
  if (!Array.isArray(o.command) || o.command.length === 0) throw new ConfigError('command', 'must be a non-empty list of words');
  for (const [i, w] of o.command.entries()) checkText(`command[${i}]`, 'the command word', w, 'install giantstep (and node) under a path without line breaks');
  for (const [i, w] of (o.sweepArgs ?? []).entries()) checkText(`sweepArgs[${i}]`, 'the sweep argument', w, 'give it without line breaks');
  for (const [i, w] of (o.comment ?? []).entries()) checkText(`comment[${i}]`, 'the comment line', w, 'give one line per list item');
  if (!Number.isInteger(o.array) || o.array < 1 || o.array > MAX_ARRAY) throw new ConfigError('array', `must be a whole number from 1 to ${MAX_ARRAY}`);
  // Minutes up to 7 digits, days up to 4: a 20-digit limit is a typo, not a plan.
  if (o.time !== undefined && !/^(\d{1,7}|\d{1,7}:\d{2}|\d{1,5}:\d{2}:\d{2}|\d{1,4}-\d{1,2}|\d{1,4}-\d{1,2}:\d{2}|\d{1,4}-\d{1,2}:\d{2}:\d{2})$/.test(o.time)) {
    throw new ConfigError('time', `${quoted(String(o.time))} is not a Slurm time (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)`);
  }
  if (o.partition !== undefined && !/^[\w.-]+(,[\w.-]+)*$/.test(o.partition))
    throw new ConfigError('partition', `${quoted(o.partition)} is not a partition name`);
  if (o.cpusPerTask !== undefined && !(Number.isInteger(o.cpusPerTask) && o.cpusPerTask >= 1 && o.cpusPerTask <= MAX_CPUS))
    throw new ConfigError('cpusPerTask', `must be a whole number from 1 to ${MAX_CPUS}`);
  if (o.mem !== undefined && !/^\d{1,9}[KMGT]?$/i.test(o.mem)) throw new ConfigError('mem', `${quoted(o.mem)} is not a Slurm memory size (e.g. 4G)`);
  if (o.jobName !== undefined && !/^[\w.-]+$/.test(o.jobName))
    throw new ConfigError('jobName', `${quoted(o.jobName)} is not a job name (letters, digits, . _ -)`);
}

/**
 * The #SBATCH lines of a job (an array of `array` tasks when given), its log in `logPattern` (a path
 * with Slurm's %-patterns: a % of the folder's own name is written %%), checked as slurmScript checks them.
 */
export function sbatchLines(o: Omit<SlurmOptions, 'array' | 'command'> & { array?: number; command?: string[] }, logPattern: string): string[] {
  check({ array: 1, command: ['giantstep'], ...o } as SlurmOptions);
  const directives = [
    `--job-name=${o.jobName ?? 'giantstep-sweep'}`,
    o.array !== undefined && `--array=1-${o.array}`,
    `--output=${sbatchQuote(`${o.resultsDir.replace(/%/g, '%%')}/${logPattern}`)}`,
    o.partition && `--partition=${o.partition}`,
    o.time && `--time=${o.time}`,
    o.cpusPerTask && `--cpus-per-task=${o.cpusPerTask}`,
    o.mem && `--mem=${o.mem}`,
  ].filter(Boolean);
  return directives.map((d) => `#SBATCH ${d}`);
}

/** The sbatch script of a job array running `spec` in `array` shards. */
export function slurmScript(spec: unknown, o: SlurmOptions): string {
  check(o);
  const dir = o.resultsDir;
  const sweep = [
    ...o.command.map(shellQuote),
    'sweep',
    '-',
    '--shard',
    `"\${SLURM_ARRAY_TASK_ID}/${o.array}"`,
    '--out',
    `${shellQuote(dir)}/"shard-\${SLURM_ARRAY_TASK_ID}.jsonl"`,
    ...(o.sweepArgs ?? []).map(shellQuote),
  ];
  return [
    '#!/bin/bash',
    ...sbatchLines(o, 'slurm-%A_%a.out'),
    ...(o.comment ?? []).map((c) => `# ${c}`),
    `# Task i runs shard i/${o.array} into ${dir}/shard-i.jsonl; resubmitting resumes. When all are done:`,
    `#   giantstep merge ${shellQuote(dir)}/shard-*.jsonl --out results.jsonl`,
    'set -euo pipefail',
    `${sweep.join(' ')} <<'${SPEC_END}'`,
    JSON.stringify(spec, null, 2),
    SPEC_END,
    '',
  ].join('\n');
}

#!/usr/bin/env node
// The giantstep command line: one small file per command, each a thin layer over the API.
import { Command, CommanderError } from 'commander';
import { PRESETS } from '../config';
import { exitCodeOf } from '../errors';
import { safeText, thrownText } from '../text';
import { version } from '../version';
import { describeCommand } from './describe';
import { exportCommand } from './export';
import { mergeCommand } from './merge';
import { plotCommand } from './plot';
import { reportCommand } from './report';
import { reproduceCommand } from './reproduce';
import { runCommand } from './run';
import { say } from './say';
import { slurmCommand } from './slurm';
import { summarizeCommand } from './summarize';
import { sweepCommand } from './sweep';
import { theoryCommand } from './theory';

function presetsCommand(): Command {
  return new Command('presets').description('list the named protocols').action(() => {
    for (const [name, p] of Object.entries(PRESETS)) process.stdout.write(`${name}\n  ${p.description}\n`);
  });
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Commander's own usage errors ("error: option '--d <int>' argument 'NaN' is invalid. ...") in the tool's
 * form: `giantstep: FIELD: ...`, the field named after the option, safe to show (the argument echoed is
 * user input: bounded, control characters escaped).
 */
export function commanderErrorLine(text: string): string {
  const message = text.replace(/^error: /, '').trimEnd();
  const option = /^(?:option|required option) '--([a-z][a-z0-9-]*)/.exec(message)?.[1];
  // An option's error names the option's field; any other (unknown option, excess arguments) names `arguments`.
  const field = option ? camel(option) : 'arguments';
  return `${safeText(`giantstep: ${field}: ${message}`)}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('giantstep')
    .description('Two-layer networks learning features from a few giant gradient steps (Dandi et al.)')
    .version(version)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  for (const cmd of [
    runCommand(),
    describeCommand(),
    theoryCommand(),
    presetsCommand(),
    plotCommand(),
    reproduceCommand(),
    reportCommand(),
    sweepCommand(),
    summarizeCommand(),
    exportCommand(),
    mergeCommand(),
    slurmCommand(),
  ])
    program.addCommand(cmd);
  // Every command, nested ones (theory one-step) included, throws its usage errors to the catch below
  // (exit 2) instead of calling process.exit(1) itself.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (text, write) => write(commanderErrorLine(text)) });
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const code = exitCodeOf(e);
    if (code === 130) {
      if (!(e as { explained?: boolean }).explained) say('giantstep: aborted');
      return code;
    }
    say(`giantstep: ${thrownText(e)}`);
    return code;
  }
}

/**
 * A closed stdout or stderr (`giantstep presets | head -1`) ends the process quietly, as other Unix tools
 * do, instead of an unhandled EPIPE error with a stack trace. A closed stdout ends the command (exit 0: the
 * reader took what it wanted); a closed stderr only silences the diagnostics, the exit code stays the command's.
 * Any other failure to write stdout (a full disk, /dev/full, a file-size limit) is one line and exit 1; a
 * stderr that cannot be written at all (closed or full) keeps the command's exit code.
 */
export function exitQuietlyOnEpipe(): void {
  const closed = (e: NodeJS.ErrnoException) => e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!closed(e)) {
      say(`giantstep: cannot write to standard output: ${thrownText(e)}`);
      process.exit(1);
    }
    process.exit(0);
  });
  // Diagnostics that cannot be written (closed, full) are dropped: the exit code still says what happened.
  process.stderr.on('error', () => {});
}

if (require.main === module) {
  exitQuietlyOnEpipe();
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

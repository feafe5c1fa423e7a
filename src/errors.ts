// The package's errors. Each carries what went wrong as data — `kind`, `field` (the input to change, or
// null) and `reason` (the message without the field) — so the CLI picks its exit code by kind and nothing
// parses a message back. Messages echo user input, so they are made safe to show: control and
// bidirectional characters escaped, and a very long message cut in the middle (see safeText).

import type { EngineErrorKind } from './generated/engine';
import { MAX_MESSAGE_CHARS, safeText } from './text';

/**
 * What went wrong: the engine's kinds (generated; its `cancelled` is `aborted` here), and the facade's own
 * (`budget`: the runs in flight hold the memory; `io`: the file system failed).
 */
export type GiantstepErrorKind = Exclude<EngineErrorKind, 'cancelled'> | 'budget' | 'io' | 'aborted';

/** The base of every error giantstep throws on purpose. */
export class GiantstepError extends Error {
  readonly kind: GiantstepErrorKind;
  /** The field or option at fault (shown safely), or null when no input is. */
  readonly field: string | null;
  /** The message without its field prefix. */
  readonly reason: string;
  constructor(kind: GiantstepErrorKind, field: string | null, reason: string, options?: ErrorOptions) {
    const shown = field === null ? null : safeText(/\S/.test(field) && !/\p{C}/u.test(field) ? field : JSON.stringify(field), 200);
    // The reason is made safe on its own, within what the message leaves it beside the field.
    const shownReason = safeText(reason, MAX_MESSAGE_CHARS - (shown === null ? 0 : shown.length + 2), true);
    super(shown === null ? shownReason : `${shown}: ${shownReason}`, options);
    this.kind = kind;
    this.field = shown;
    this.reason = shownReason;
    this.name = 'GiantstepError';
  }
}

/** Bad input, naming the field: a wrong type, an impossible size, an unknown name (CLI exit 2). */
export class ConfigError extends GiantstepError {
  declare readonly field: string;
  declare readonly kind: 'config' | 'numerical' | 'resource';
  constructor(field: string, reason: string, kind: 'config' | 'numerical' | 'resource' = 'config') {
    super(kind, field, reason);
    this.name = 'ConfigError';
  }
}

/**
 * A run that failed numerically as it ran (a learning rate that overflows, a non-finite activation value):
 * the config was valid, but `field` is the value to change. A ConfigError too, so it is refused the same way.
 */
export class NumericalError extends ConfigError {
  declare readonly kind: 'numerical';
  constructor(field: string, reason: string) {
    super(field, reason, 'numerical');
    this.name = 'NumericalError';
  }
}

/** A run that needs more than the machine allows (memory): `field` names what to reduce. */
export class ResourceError extends ConfigError {
  declare readonly kind: 'resource';
  constructor(field: string, reason: string) {
    super(field, reason, 'resource');
    this.name = 'ResourceError';
  }
}

/**
 * The file system failed an operation on a path the input was right to give: a full disk, a quota, a
 * file-size limit, an I/O error (CLI exit 74, EX_IOERR). `field` is the option that named the path.
 */
export class IOError extends GiantstepError {
  declare readonly field: string;
  constructor(field: string, reason: string, options?: ErrorOptions) {
    super('io', field, reason, options);
    this.name = 'IOError';
  }
}

/** The error codes of a file system that failed, not of a path that was wrong to give. */
export const IO_FAILURE_CODES = ['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS'];

/** `IOError` when `e` is a failure of the file system (IO_FAILURE_CODES), else `ConfigError` (the path is at fault). */
export function fileError(field: string, reason: string, e: unknown): ConfigError | IOError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code && IO_FAILURE_CODES.includes(code) ? new IOError(field, reason, { cause: e }) : new ConfigError(field, reason);
}

/**
 * What an aborted call rejects with (CLI exit 130): the signal's `reason` kept as its `cause`
 * (AbortSignal.timeout's TimeoutError, or what was given to abort(reason)).
 */
export class AbortError extends GiantstepError {
  constructor(reason?: unknown) {
    super('aborted', null, `The run was aborted${reasonText(reason)}`, reason === undefined ? undefined : { cause: reason });
    this.name = 'AbortError';
  }
}

function reasonText(reason: unknown): string {
  const text = reason instanceof Error ? (reason.name === 'AbortError' ? '' : reason.message) : typeof reason === 'string' ? reason : '';
  return text ? `: ${text.split('\n')[0]}` : '';
}

/** A panic caught in the engine ("internal error in the giantstep engine (please report)"); never a crash. */
export class EngineError extends GiantstepError {
  constructor(reason: string) {
    super('internal', null, reason);
    this.name = 'EngineError';
  }
}

/**
 * The CLI's exit code for an error: 2 bad input, 74 a failing file system, 130 aborted, 1 anything else
 * (a `budget` refusal, MemoryBudgetError, is no bad input: the same run fits once the others finish).
 */
export function exitCodeOf(e: unknown): number {
  if (!(e instanceof GiantstepError)) return 1;
  if (e.kind === 'config' || e.kind === 'numerical' || e.kind === 'resource') return 2;
  return e.kind === 'io' ? 74 : e.kind === 'aborted' ? 130 : 1;
}

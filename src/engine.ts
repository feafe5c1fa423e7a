// Calls into the engine with its errors translated: field-named ones become ConfigError, a cancellation
// an AbortError, anything else stays an Error.
import { ConfigError } from './config';
import { native } from './native';
import type { NativeBinding } from './native';

/**
 * The error an aborted run rejects with: name AbortError (whatever the reason), and the signal's
 * `reason` kept as its `cause` (AbortSignal.timeout's TimeoutError, or what was given to abort(reason)).
 */
export function abortError(reason?: unknown): Error {
  const abort = reason === undefined ? new Error('The run was aborted') : new Error(`The run was aborted${reasonText(reason)}`, { cause: reason });
  abort.name = 'AbortError';
  return abort;
}

function reasonText(reason: unknown): string {
  const text = reason instanceof Error ? (reason.name === 'AbortError' ? '' : reason.message) : typeof reason === 'string' ? reason : '';
  return text ? `: ${text.split('\n')[0]}` : '';
}

export function fromEngine(e: unknown): Error {
  const err = e as Error & { code?: string };
  if (err.code === 'Cancelled') return abortError();
  const match = /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(err.message ?? '');
  if (match && (err.code === 'InvalidArg' || err.code === 'GenericFailure') && !err.message.startsWith('internal error')) {
    return new ConfigError(match[1], match[2]);
  }
  return err instanceof Error ? err : new Error(String(e));
}

/** A synchronous engine call with translated errors. */
export function engineCall<T>(f: (engine: NativeBinding) => T): T {
  const engine = native();
  try {
    return f(engine);
  } catch (e) {
    throw fromEngine(e);
  }
}

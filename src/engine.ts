// Calls into the engine with its errors translated. The engine reports each error as JSON
// {kind, field, message}: config → ConfigError, numerical → NumericalError, resource → ResourceError (all
// naming the field), cancelled → AbortError, internal (a caught panic) → an Error saying so.
import { AbortError, ConfigError, EngineError, NumericalError, ResourceError } from './errors';
import type { EngineErrorBody } from './generated/engine';
import type { NativeBinding, NativeRunHandle } from './native';
import { native } from './native';

/** The error an aborted call rejects with (an AbortError, the signal's `reason` as its `cause`). */
export function abortError(reason?: unknown): AbortError {
  return new AbortError(reason);
}

function engineFailure(e: unknown): EngineErrorBody | undefined {
  try {
    const body = JSON.parse((e as Error)?.message) as EngineErrorBody;
    return typeof body?.kind === 'string' && typeof body.message === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

const FIELD_ERRORS = { config: ConfigError, numerical: NumericalError, resource: ResourceError } as const;

export function fromEngine(e: unknown): Error {
  const body = engineFailure(e);
  if (!body) return e instanceof Error ? e : new Error(String(e));
  if (body.kind === 'cancelled') return abortError();
  if (body.kind !== 'internal' && typeof body.field === 'string') return new FIELD_ERRORS[body.kind](body.field, body.message);
  return new EngineError(body.message);
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

/**
 * What watches a task while it runs (run's progress callback): `stop` is called once the task settles
 * (`succeeded` says how), and returns the error that made the watcher cancel the task, if it did.
 */
export interface TaskWatch {
  stop(succeeded: boolean): Error | undefined;
}

/**
 * An engine computation off the main thread, with translated errors. Aborting `signal` cancels it at the
 * engine's next checkpoint and rejects with an AbortError whose `cause` is `signal.reason`; a computation
 * that finished first resolves. `watch` starts a watcher on the task's handle (its progress); an error the
 * watcher stopped it with is the rejection.
 */
export async function engineTask<T>(
  f: (engine: NativeBinding, handle: NativeRunHandle) => Promise<T>,
  signal?: AbortSignal,
  watch?: (handle: NativeRunHandle) => TaskWatch,
): Promise<T> {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigError('signal', 'must be an AbortSignal (from an AbortController or AbortSignal.timeout)');
  }
  if (signal?.aborted) throw abortError(signal.reason);
  const engine = native();
  const handle = new engine.RunHandle();
  const cancel = () => handle.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const watcher = watch?.(handle);
  let value: T;
  try {
    value = await f(engine, handle);
  } catch (e) {
    // What the watcher stopped the task with is the cause; otherwise the engine's own error.
    const stoppedBy = watcher?.stop(false);
    if (stoppedBy) throw stoppedBy;
    if ((e as Error)?.name === 'AbortError' && signal?.aborted) throw e;
    const err = fromEngine(e);
    if (err.name === 'AbortError' && signal?.aborted) throw abortError(signal.reason);
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  const stoppedBy = watcher?.stop(true);
  if (stoppedBy) throw stoppedBy;
  return value;
}

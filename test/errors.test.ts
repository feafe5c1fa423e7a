// src/errors.ts: every error carries its kind, field and reason as data; the CLI's exit code follows the
// kind (2 bad input, 74 a failing file system, 130 aborted, 1 anything else), never the class's name.
import { describe, expect, it } from 'vitest';
import { exitCodeOf, fileError } from '../src/errors';
import { AbortError, ConfigError, EngineError, GiantstepError, IOError, MemoryBudgetError, NumericalError, ResourceError } from '../src/index';

describe('error classes', () => {
  it('carry kind, field and reason; the message is the field, then the reason', () => {
    const cases: [GiantstepError, string, string | null][] = [
      [new ConfigError('d', 'must be an integer'), 'config', 'd'],
      [new NumericalError('eta', 'the step overflowed'), 'numerical', 'eta'],
      [new ResourceError('p', 'needs 9 GB'), 'resource', 'p'],
      [new IOError('out', 'cannot write r.json: ENOSPC'), 'io', 'out'],
      [new MemoryBudgetError('wait for the runs in flight'), 'budget', 'memoryLimitBytes'],
      [new AbortError(), 'aborted', null],
      [new EngineError('internal error in the giantstep engine (please report): boom'), 'internal', null],
    ];
    for (const [e, kind, field] of cases) {
      expect(e).toBeInstanceOf(GiantstepError);
      expect(e).toBeInstanceOf(Error);
      expect([e.kind, e.field]).toEqual([kind, field]);
      expect(e.message).toBe(field === null ? e.reason : `${field}: ${e.reason}`);
    }
    expect(new ConfigError('d', 'must be an integer').reason).toBe('must be an integer');
  });

  it('keeps the numerical and resource refusals ConfigErrors, and the others not', () => {
    expect(new NumericalError('eta', 'x')).toBeInstanceOf(ConfigError);
    expect(new ResourceError('p', 'x')).toBeInstanceOf(ConfigError);
    for (const e of [new IOError('out', 'x'), new AbortError(), new EngineError('x'), new MemoryBudgetError('x')]) expect(e).not.toBeInstanceOf(ConfigError);
  });

  it('shows a hostile field and reason safely, and keeps the reason whole in .reason', () => {
    const e = new ConfigError('a\u202eb', 'bad\u0007value');
    expect(e.field).toBe('"a\\u{202e}b"');
    for (const raw of ['\u0007', '\u202e']) expect(e.message.includes(raw)).toBe(false);
    expect(e.message).toBe(`${e.field}: ${e.reason}`);
    // A long reason is cut in its own middle, within what the message leaves it beside the field.
    const long = new ConfigError('target', `starts here ${'x'.repeat(50_000)} ends here`);
    expect(long.message).toBe(`target: ${long.reason}`);
    expect(long.reason.startsWith('starts here') && long.reason.endsWith('ends here')).toBe(true);
    expect(long.reason).toMatch(/characters left out/);
  });

  it('an AbortError keeps the signal reason as its cause and says it', () => {
    const reason = new Error('time is up');
    const e = new AbortError(reason);
    expect([e.name, e.message, e.cause]).toEqual(['AbortError', 'The run was aborted: time is up', reason]);
  });
});

describe('exit codes by kind', () => {
  it('2 bad input, 74 a failing file system, 130 aborted, 1 anything else', () => {
    expect(exitCodeOf(new ConfigError('d', 'x'))).toBe(2);
    expect(exitCodeOf(new NumericalError('eta', 'x'))).toBe(2);
    expect(exitCodeOf(new ResourceError('p', 'x'))).toBe(2);
    expect(exitCodeOf(new MemoryBudgetError('x'))).toBe(1);
    expect(exitCodeOf(new IOError('out', 'x'))).toBe(74);
    expect(exitCodeOf(new AbortError())).toBe(130);
    expect(exitCodeOf(new EngineError('x'))).toBe(1);
    // A plain Error, even one named like ours, is no refusal: exit 1, decided by class, not by name.
    const impostor = Object.assign(new Error('x'), { name: 'ConfigError', kind: 'config' });
    expect(exitCodeOf(impostor)).toBe(1);
    expect(exitCodeOf('a string')).toBe(1);
  });

  it('fileError: the file system failing is an IOError, a wrong path a ConfigError', () => {
    const errno = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS']) expect(fileError('out', 'cannot write', errno(code))).toBeInstanceOf(IOError);
    for (const code of ['EACCES', 'EISDIR', 'ENOTDIR']) expect(fileError('out', 'cannot write', errno(code))).toBeInstanceOf(ConfigError);
    expect(fileError('out', 'cannot write', errno('ENOSPC')).cause).toMatchObject({ code: 'ENOSPC' });
  });
});

// Hostile and careless input to the API and the CLI's arguments (issue 12, items 3, 5, 11, 13): every
// refusal is one line naming the field (exit 2 from the CLI), nothing crashes the process, nothing on disk
// changes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index';
import { ConfigError, mergeConfigs, resolveConfig, run } from '../src/index';
import { normalizeSpec } from '../src/sweep/spec';
import { cli, giantstep } from './helpers/cli';

const small = { d: 40, p: 30, n: 400, steps: 1, nTest: 200 } as const;
/** A run of a few seconds, to stop while it runs. */
const long = { d: 512, p: 1024, kappa: 2, nTest: 100000 } as const;

const tmp = () => mkdtempSync(join(tmpdir(), 'giantstep-hostile-'));

/** Every file under `dir` with its bytes, to show that a refused command changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of Object.entries(snapshot(path))) out[join(name, k)] = v;
    else out[name] = readFileSync(path, 'latin1');
  }
  return out;
}

/** The CLI refused: exit 2, one line on stderr that names `field`, nothing on stdout. */
/** The ConfigError normalizeSpec throws for `spec` (failing the test when it throws nothing else). */
function specError(spec: unknown): ConfigError {
  let err: unknown;
  try {
    normalizeSpec(spec);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

function expectRefusal(r: { code: number; stdout: string; stderr: string }, field: string | RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof field === 'string') expect(lines[0]).toContain(field);
  else expect(lines[0]).toMatch(field);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<Error & { field?: string; cause?: unknown }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error & { field?: string };
  }
  throw new Error('expected a rejection');
}

describe('item 5: onProgress is validated and isolated', () => {
  it.each([5, 'log', {}, null, true])('refuses onProgress = %j with a ConfigError naming onProgress', async (onProgress) => {
    const err = await rejection(run(small, { onProgress: onProgress as never, progressIntervalMs: 1 }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.field).toBe('onProgress');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('a throwing onProgress stops the run and rejects with its error as the cause', async () => {
    const boom = new Error('boom');
    let calls = 0;
    const t0 = Date.now();
    const err = await rejection(
      run(long, {
        progressIntervalMs: 1,
        onProgress: () => {
          calls++;
          throw boom;
        },
      }),
    );
    expect(err.message).toContain('onProgress');
    expect(err.message).toContain('boom');
    expect(err.cause).toBe(boom);
    expect(calls).toBe(1); // not called again once it threw
    expect(Date.now() - t0).toBeLessThan(3000); // stopped, not run to the end
    expect(api.memoryInFlightBytes()).toBe(0);
  });

  it('an onProgress whose promise rejects stops the run too (no unhandled rejection)', async () => {
    const err = await rejection(run(long, { progressIntervalMs: 1, onProgress: async () => Promise.reject(new Error('async boom')) }));
    expect(err.message).toContain('async boom');
    expect((err.cause as Error).message).toBe('async boom');
  });

  it('a throw of a non-Error value is kept as the cause', async () => {
    const err = await rejection(
      run(long, {
        progressIntervalMs: 1,
        onProgress: () => {
          throw 'plain string';
        },
      }),
    );
    expect(err.cause).toBe('plain string');
  });

  it('a throw of a null-prototype object (no toString) keeps the message and the cause', async () => {
    const thrown = Object.create(null);
    const err = await rejection(
      run(long, {
        progressIntervalMs: 1,
        onProgress: () => {
          throw thrown;
        },
      }),
    );
    expect(err.message).toBe('onProgress threw, so the run was stopped: [object Object]');
    expect(err.cause).toBe(thrown);
  });

  it.each([
    [{ signal: {} }, 'signal'],
    [{ progressIntervalMs: Number.NaN }, 'progressIntervalMs'],
    [{ memoryLimitBytes: Number.NaN }, 'memoryLimitBytes'],
    [{ memoryLimitBytes: -1 }, 'memoryLimitBytes'],
    [{ memoryLimitBytes: '8e9' }, 'memoryLimitBytes'],
    [{ memoryLimitBytes: Infinity }, 'memoryLimitBytes'],
  ])('refuses the run option %j naming %s', async (options, field) => {
    const err = await rejection(run(small, options as never));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.field).toBe(field);
  });
});

describe('item 3: concurrent runs share one memory budget', () => {
  it('refuses a run that fits alone but not beside the runs in flight, and releases the memory when they settle', async () => {
    const need = resolveConfig(small).memoryEstimateBytes;
    const limit = Math.floor(need * 1.5);
    const first = run(small, { memoryLimitBytes: limit });
    const second = await rejection(run(small, { memoryLimitBytes: limit }));
    expect(second.name).toBe('MemoryBudgetError');
    expect(second.field).toBe('memoryLimitBytes');
    expect(second.message).toMatch(/^memoryLimitBytes: this run needs about [\d.]+ GB but the 1 run in flight/);
    expect(second).not.toBeInstanceOf(ConfigError); // a sweep must not record it as the run's own failure
    expect(api.memoryInFlightBytes()).toBe(need);
    await first;
    expect(api.memoryInFlightBytes()).toBe(0);
    // Released: the same run now fits, and two that fit together both run.
    await expect(run(small, { memoryLimitBytes: limit })).resolves.toMatchObject({ config: { d: small.d } });
    await Promise.all([run(small, { memoryLimitBytes: 2 * need }), run(small, { memoryLimitBytes: 2 * need })]);
    // A refused or failed run releases what it reserved.
    await rejection(run({ ...small, eta: 1e308, etaRule: 'raw', activation: 'tanh' }, { memoryLimitBytes: limit }));
    expect(api.memoryInFlightBytes()).toBe(0);
  });

  it('memoryLimitBytes NaN is refused by name, not read as "0.0 GB available"', () => {
    let err: unknown;
    try {
      resolveConfig(small, Number.NaN);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('memoryLimitBytes');
    expect((err as Error).message).not.toContain('0.0 GB');
  });

  it('the memory message never reads "needs X GB but X GB are available"', () => {
    const need = resolveConfig(small).memoryEstimateBytes;
    let message = '';
    try {
      resolveConfig(small, need - 1);
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /needs about (\S+ GB) but (\S+ GB) are available/.exec(message);
    expect(m, message).not.toBeNull();
    expect(m?.[1]).not.toBe(m?.[2]);
  });
});

describe('item 13: an AbortError keeps signal.reason', () => {
  it('as its cause, when aborted while running', async () => {
    const controller = new AbortController();
    const started = run(long, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    const reason = new Error('user quit');
    controller.abort(reason);
    const err = await rejection(started);
    expect(err.name).toBe('AbortError');
    expect(err.cause).toBe(reason);
    expect(err.message).toContain('user quit');
  });

  it('as its cause, when aborted before it starts (a timeout included)', async () => {
    const reason = { why: 'shutdown' };
    const err = await rejection(run(small, { signal: AbortSignal.abort(reason) }));
    expect(err.name).toBe('AbortError');
    expect(err.cause).toBe(reason);
    const timeout = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    const timedOut = await rejection(run(small, { signal: timeout }));
    expect(timedOut.name).toBe('AbortError');
    expect((timedOut.cause as Error).name).toBe('TimeoutError');
  });
});

describe('item 11: loose types', () => {
  it.each([
    ['a number', 5],
    ['null', null],
    ['an array', [{ d: 5 }]],
    ['a string', '{"d": 5}'],
    ['a Map', new Map([['d', 5]])],
    ['an object inheriting fields', Object.create({ d: 3 })],
    [
      'a class instance',
      new (class Config {
        d = 5;
      })(),
    ],
  ])('a config that is %s is refused naming config', async (_what, input) => {
    const err = await rejection(run(input as never));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.field).toBe('config');
    expect(err.message).toMatch(/^config: must be a plain object/);
    expect(() => resolveConfig(input as never)).toThrow(ConfigError);
  });

  it('a null-prototype object is a plain config', () => {
    const input = Object.assign(Object.create(null), small);
    expect(resolveConfig(input).d).toBe(small.d);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('preset %s is an unknown preset, not a TypeError', (preset) => {
    let err: unknown;
    try {
      resolveConfig({ preset });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('preset');
    expect((err as Error).message).toContain('unknown preset');
  });

  it('a __proto__ key is a field (refused), never a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"d": 7}, "p": 3}');
    const merged = mergeConfigs({}, hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged.d).toBeUndefined();
    expect(() => resolveConfig(hostile)).toThrow(/^__proto__: unknown config field/);
    expect(({} as Record<string, unknown>).d).toBeUndefined();
  });

  it.each([
    ['zip of __proto__', { grid: { kappa: [1, 2] }, zip: [['__proto__']] }, 'zip[0]'],
    ['zip of constructor', { grid: { kappa: [1, 2] }, zip: [['constructor', 'kappa']] }, 'zip[0]'],
    ['an axis __proto__', JSON.parse('{"grid": {"__proto__": [1, 2]}}'), 'grid.__proto__'],
    ['an axis constructor', { grid: { constructor: [1, 2] } }, 'grid.constructor'],
    ['an axis toString', { grid: { toString: [1, 2] } }, 'grid.toString'],
  ])('a sweep spec with %s is refused naming %s', (_what, spec, field) => {
    expect(specError(spec).field).toBe(field);
  });
});

describe('CLI: loose types and bounded reads', () => {
  it.each([
    ['5', 'not a number (5)'],
    ['null', 'not null'],
    ['[1, 2]', 'not an array'],
    ['"d=5"', 'not a string'],
  ])('run --config holding %s exits 2 naming config and the file, and writes nothing', async (text, what) => {
    const dir = tmp();
    writeFileSync(join(dir, 'config.json'), text);
    writeFileSync(join(dir, 'out.json'), 'previous result\n');
    const before = snapshot(dir);
    const r = await giantstep('run', '--config', join(dir, 'config.json'), '--out', join(dir, 'out.json'), '--quiet');
    expectRefusal(r, 'config:');
    expect(r.stderr).toContain(join(dir, 'config.json'));
    expect(r.stderr).toContain(what);
    expect(snapshot(dir)).toEqual(before);
    const t = await giantstep('theory', 'overlaps', '--config', join(dir, 'config.json'));
    expectRefusal(t, 'config:');
  });

  it.each(['__proto__', 'constructor', 'toString'])('run --preset %s exits 2 naming preset', async (preset) => {
    expectRefusal(await giantstep('run', '--preset', preset, '--quiet'), /^giantstep: preset: unknown preset/);
  });

  it('a config file naming preset "__proto__" exits 2 naming preset', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), '{"preset": "constructor"}');
    expectRefusal(await giantstep('run', '--config', join(dir, 'c.json'), '--quiet'), 'preset:');
  });

  it('--config /dev/zero and a folder are refused at once; a file above 16 MiB is refused unread', async () => {
    const dir = tmp();
    if (process.platform !== 'win32') expectRefusal(await giantstep('run', '--config', '/dev/zero', '--quiet'), /config: \/dev\/zero is not a regular file/);
    expectRefusal(await giantstep('run', '--config', dir, '--quiet'), 'config:');
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"d": 8${' '.repeat(17 * 1024 * 1024)}}`);
    expectRefusal(await giantstep('run', '--config', big, '--quiet'), /config: .*big\.json is larger than 16 MiB/);
    expectRefusal(await giantstep('sweep', big, '--dry-run'), /spec: .*big\.json is larger than 16 MiB/);
    if (process.platform !== 'win32') expectRefusal(await giantstep('sweep', '/dev/zero', '--dry-run'), /spec: \/dev\/zero is not a regular file/);
  }, 30_000);

  it('--init-seed null (documented) runs with initSeed null', async () => {
    const r = await giantstep('run', '--d', '8', '--p', '8', '--n', '40', '--n-test', '20', '--init-seed', 'null', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config.initSeed).toBeNull();
  });
});

describe('CLI: bad input exits 2, not 1', () => {
  it.each([
    [['theory', 'one-step', '--alpha', 'abc'], '--alpha'],
    [['theory', 'drift', '--m', '1', '--s', 'x'], '--s'],
    [['theory', 'overlaps', '--alpha', 'abc'], 'alpha: must be a finite number, not a string ("abc")'],
    [['theory', 'one-step', '--alpha', '1', '--bogus'], '--bogus'],
    [['describe', ''], 'target:'],
    [['plot', 'r.jsonl', '--x', 'kappa', '--y', '__proto__(testError)', '--out', 'f.svg'], '__proto__'],
    [['plot', 'r.jsonl', '--x', 'a..b', '--y', 'testError', '--out', 'f.svg'], '--x'],
    [['plot', 'r.jsonl', '--x', 'kappa', '--y', 'testError', '--series', 'constructor(x)', '--out', 'f.svg'], '--series'],
  ])('giantstep %j exits 2 naming %s', async (args, field) => {
    expectRefusal(await giantstep(...args), field);
  });

  it('plot: unreadable results, a bad --out, no matching numbers: exit 2 naming the field, nothing written', async () => {
    const dir = tmp();
    const results = join(dir, 'r.jsonl');
    writeFileSync(results, `${JSON.stringify({ key: 'k', config: { kappa: 1 }, testError: 0.5 })}\n`);
    const before = snapshot(dir);
    // plot reads through the one results reader (as summarize, export and merge), which names `files`.
    expectRefusal(await giantstep('plot', join(dir, 'missing.jsonl'), '--x', 'kappa', '--y', 'testError', '--out', join(dir, 'f.svg')), 'files:');
    expectRefusal(await giantstep('plot', results, '--x', 'kappa', '--y', 'testError', '--out', join(dir, 'f.txt')), 'out:');
    expectRefusal(await giantstep('plot', results, '--x', 'kappa', '--y', 'nothing.here', '--out', join(dir, 'f.svg')), 'y:');
    expectRefusal(await giantstep('plot', results, '--x', 'kappa', '--y', '__proto__', '--out', join(dir, 'f.svg')), 'y:');
    expect(snapshot(dir)).toEqual(before);
  });

  it('report: a malformed summary.json exits 2 naming the file; nothing written', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'fig1'));
    writeFileSync(join(dir, 'fig1', 'summary.json'), '{"figures": [');
    const before = snapshot(dir);
    const r = await giantstep('report', dir);
    expectRefusal(r, 'dir:');
    expect(r.stderr).toContain(join(dir, 'fig1', 'summary.json'));
    writeFileSync(join(dir, 'fig1', 'summary.json'), '{}');
    const shape = await giantstep('report', dir);
    expectRefusal(shape, join(dir, 'fig1', 'summary.json'));
    expect(snapshot(dir)).toEqual({ ...before, [join('fig1', 'summary.json')]: '{}' });
    // A figure entry without its file names (it once leaked 'The "path" argument must be of type string').
    writeFileSync(join(dir, 'fig1', 'summary.json'), '{"figures":[{}]}');
    const entry = await giantstep('report', dir);
    expectRefusal(entry, 'figure 1 has no "name" and "svg" file names');
    writeFileSync(join(dir, 'fig1', 'summary.json'), '{}');
    expectRefusal(await giantstep('report', join(dir, 'fig1', 'summary.json')), 'dir:');
    expectRefusal(await giantstep('report', join(dir, 'nothing')), 'dir:');
  });
});

/** Runs the CLI with its stdout closed before it writes: as `giantstep ... | head -0`. */
function withClosedStdout(...args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('CLI: a closed stdout (| head) ends quietly', () => {
  it.each([
    [['presets']],
    [['--help']],
    [['sweep', '--d', '8', '--p', '8', '--n', '20', '--n-test', '20', '--seeds', '3', '--dry-run']],
    [['run', '--d', '8', '--p', '8', '--n', '20', '--n-test', '20', '--quiet']],
  ])('giantstep %j: exit 0, no EPIPE trace', async (args) => {
    const r = await withClosedStdout(...args);
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

// Found by the loaders' fuzz at 10⁵ inputs: user-given names (grid axes, zip entries) went raw into the
// field and the message, so a blank name gave a blank field and a line break split the error in two.
describe('user-given names in errors stay one unambiguous line', () => {
  it.each([
    [{ grid: { ' ': [1] } }, '" "'],
    [{ grid: { 'a\nb': [1, 2] } }, '"a\\nb"'],
    [{ grid: { kappa: [1, 2] }, zip: [['kappa', 'x\ny']] }, '"x\\ny"'],
  ])('normalizeSpec(%j) names the field in one line', (spec, shown) => {
    const e = specError(spec);
    expect(e.field).toMatch(/\S/);
    expect(e.message.startsWith(`${e.field}: `)).toBe(true);
    expect(e.message).not.toMatch(/[\n\r]/);
    expect(e.message).toContain(shown);
  });
});

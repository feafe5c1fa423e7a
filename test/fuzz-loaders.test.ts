// A bounded, seeded fuzz of the JS loaders (issue 12, "Make it systematic"): config resolution through the
// API's resolveConfig, config files, sweep specs and the CLI's flag parsers, fed random and adversarial
// values (deep nesting, huge and non-finite numbers, NaN-ish strings, __proto__ keys, long arrays, Maps).
// Each input must give a valid result or a ConfigError naming a field, never another exception or a crash.
//
// GIANTSTEP_FUZZ_N scales the inputs per loader (default 300: about 3,000 inputs in a few seconds),
// GIANTSTEP_FUZZ_SEED picks another stream. `GIANTSTEP_FUZZ_N=10000 npx vitest run test/fuzz-loaders.test.ts`
// tries about 10^5 inputs.
//
// Expressions (targets, activations) are drawn from a fixed list and short random strings without `^`:
// the expression language has its own fuzz in the Rust tests (depth and degree limits live there).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { addConfigOptions, configFromFlags, numberArg, numberListArg, positiveNumberArg } from '../src/cli/options';
import { readConfigFile } from '../src/config/input-file';
import { ConfigError, FIELDS, PRESET_NAMES, resolveConfig } from '../src/index';
import { parseField } from '../src/plot/metric-path';
import { normalizeSpec, parseGridFlag, parseSeedsFlag, readSpecFile } from '../src/sweep/spec';

const N = Math.max(1, Number(process.env.GIANTSTEP_FUZZ_N ?? 300));
const SEED = Number(process.env.GIANTSTEP_FUZZ_SEED ?? 20240612);
const FIELD_NAMES = Object.keys(FIELDS);

/** mulberry32: a small seeded generator, so a failure names the seed and the input number to replay. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }

  static readonly HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' d', 'D', 'n_test', 'seed\u0000', 'é'];
  static readonly NUMBERS = [
    0,
    -0,
    1,
    -1,
    2,
    3,
    7,
    8,
    16,
    100,
    256,
    512,
    1000,
    1e4,
    1e6,
    0.5,
    1.5,
    1.3,
    2.5,
    6,
    6.0000001,
    -1e-300,
    5e-324,
    1e-7,
    2 ** 31,
    2 ** 32,
    2 ** 52,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    1e15,
    1e21,
    1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    Number.NaN,
    Infinity,
    -Infinity,
    Number.EPSILON,
  ];
  static readonly STRINGS = [
    '',
    ' ',
    'NaN',
    'nan',
    'Infinity',
    '-Infinity',
    '1e309',
    '-1e309',
    '0x10',
    '0b11',
    '1_000',
    '1,5',
    '٣',
    '１２',
    '1e',
    '.',
    '-',
    '+',
    'null',
    'none',
    'undefined',
    'true',
    'false',
    'yes',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    'toString',
    '\u0000',
    '\n',
    'a\nb',
    '\u202e',
    '😀',
    'relu',
    'tanh',
    'He3',
    'x',
    'x^2',
    'f64',
    'f32',
    'fresh',
    'reuse',
    'p-d',
    'raw',
    'sqrt-np',
    'auto',
    'T-A',
    'T-B',
    'T-C',
    'T-Z',
    'staircase-3',
    'leap-2',
    'u1',
    'u1*u2',
    'u1 + u1*u2*u3',
    'He2(u1)',
    'relu(u1)',
    'u1 + * u2',
    'u0',
    'u9',
    'u1/u2',
    'sign(u1)*u2',
    'u1^3',
    'u1^-1',
    'u1^0.5',
    '((u1))',
    'x*x',
    '1/x',
    'exp(x)',
    ...PRESET_NAMES,
  ];
  static readonly ALPHABET = 'ux0123456789+-*/(). ,:=eEnaIfNlr_$\n\t{}[]"\'\\';

  shortString(): string {
    const n = this.int(14);
    let s = '';
    for (let i = 0; i < n; i++) s += Gen.ALPHABET[this.int(Gen.ALPHABET.length)];
    return s;
  }

  string(): string {
    switch (this.int(8)) {
      case 0:
        return this.shortString();
      case 1:
        // Long, not deep: 3000 (nested) terms stay below the expression parser's own limits (Rust fuzz).
        return this.pick(['a', 'u1+', '(', '9', ' ']).repeat(this.pick([100, 1000, 3000]));
      case 2:
        return String(this.number());
      default:
        return this.pick(Gen.STRINGS);
    }
  }

  number(): number {
    switch (this.int(4)) {
      case 0:
        return (this.random() - 0.5) * 10 ** this.int(12);
      case 1:
        return this.int(5000);
      default:
        return this.pick(Gen.NUMBERS);
    }
  }

  atom(): unknown {
    switch (this.int(10)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
      case 3:
      case 4:
        return this.number();
      case 5:
        return undefined;
      default:
        return this.string();
    }
  }

  /** Deep: a chain of `depth` arrays or objects around an atom. */
  deep(): unknown {
    const depth = this.pick([100, 1000, 10000]);
    let v: unknown = this.atom();
    for (let i = 0; i < depth; i++) v = this.chance(0.5) ? [v] : { d: v };
    return v;
  }

  value(depth = 0): unknown {
    const r = this.int(20);
    if (depth > 3 || r < 11) return this.atom();
    if (r < 14) {
      // Long arrays hold atoms only: nested long arrays would make the generator, not the loader, run out of memory.
      if (this.chance(0.1)) return Array.from({ length: this.pick([1000, 20000]) }, () => this.atom());
      return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
    }
    if (r < 17) return this.object(() => this.value(depth + 1));
    if (r < 18) return this.deep();
    if (r < 19) return new Map([['d', 8]]);
    return this.pick([new Date(0), /re/, () => 1, Symbol('s'), 10n, new Uint8Array(3), Object.create(null)]);
  }

  key(): string {
    const r = this.int(10);
    if (r < 7) return this.pick(FIELD_NAMES);
    if (r < 8) return 'preset';
    if (r < 9) return this.pick(Gen.HOSTILE_KEYS);
    return this.shortString();
  }

  /** An object with own keys (a "__proto__" key included as an own property, as JSON.parse makes it). */
  object(valueFor: (key: string) => unknown, keyOf = () => this.key()): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const n = this.int(6);
    for (let i = 0; i < n; i++) {
      const k = keyOf();
      Object.defineProperty(o, k, { value: valueFor(k), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }

  /** A value that is plausible for `field`, or anything. */
  fieldValue(field: string, shallow = false): unknown {
    if (this.chance(0.4)) return shallow ? this.atom() : this.value();
    const spec = (FIELDS as Record<string, { kind: string; choices?: readonly string[] }>)[field];
    if (field === 'preset') return this.pick([...PRESET_NAMES, ...Gen.HOSTILE_KEYS]);
    if (!spec) return this.atom();
    switch (spec.kind) {
      case 'enum':
        return this.pick(spec.choices as readonly string[]);
      case 'bool':
        return this.chance(0.5);
      case 'string':
        return this.pick(Gen.STRINGS);
      default:
        return this.chance(0.5) ? this.int(64) + 1 : this.number();
    }
  }

  /** A config: mostly a plain object of (plausible) fields, sometimes not an object at all. */
  config(): unknown {
    const r = this.int(20);
    if (r === 0) return this.atom();
    if (r === 1) return [this.object((k) => this.fieldValue(k))];
    if (r === 2) return new Map([['d', 8]]);
    if (r === 3) return Object.create(this.object((k) => this.fieldValue(k)));
    // Small shapes most of the time, so that valid configs stay cheap to resolve.
    const o = this.object((k) => this.fieldValue(k));
    if (this.chance(0.7)) for (const k of ['d', 'p']) if (!Object.hasOwn(o, k)) o[k] = this.int(64) + 1;
    return o;
  }

  gridAxis(field: string): unknown {
    switch (this.int(6)) {
      case 0:
        return { linspace: [this.number(), this.number(), this.pick([1, 2, 3, 10, 1e9, 0, -1, 2.5, Number.NaN])] };
      case 1:
        return { logspace: [this.number(), this.number(), this.pick([1, 2, 5, 1e7, 0])] };
      case 2:
        return this.value();
      default:
        return Array.from({ length: this.int(4) + (this.chance(0.05) ? 5000 : 0) }, () => this.fieldValue(field, true));
    }
  }

  spec(): unknown {
    if (this.chance(0.05)) return this.value();
    const spec: Record<string, unknown> = {};
    if (this.chance(0.7)) spec.base = this.config();
    if (this.chance(0.8)) spec.grid = this.chance(0.9) ? this.object((k) => this.gridAxis(k)) : this.value();
    if (this.chance(0.3)) spec.zip = this.chance(0.8) ? [Array.from({ length: this.int(3) }, () => this.key())] : this.value();
    if (this.chance(0.5))
      spec.seeds = this.chance(0.5)
        ? this.pick([1, 3, 0, -1, 2.5, 1e9, 300000, Number.NaN, '3'])
        : Array.from({ length: this.int(4) }, () => this.pick([0, 1, 1, 2, -1, 0.5, 2 ** 60]));
    if (this.chance(0.05)) spec[this.key()] = this.value();
    return spec;
  }
}

/** Whether any string inside `x` (keys included) holds a line break: then a message quoting it may too. */
function hasNewline(x: unknown, depth = 0): boolean {
  if (typeof x === 'string') return /[\n\r\u2028\u2029]/.test(x);
  if (depth > 50 || x === null || typeof x !== 'object') return false;
  if (x instanceof Map) return false;
  return Object.entries(x).some(([k, v]) => hasNewline(k) || hasNewline(v, depth + 1));
}

const stats = { inputs: 0, valid: 0, refused: 0 };
const started = Date.now();

/** Runs one input: a result passes `check`; a throw must be a ConfigError naming a field in one line. */
function expectHandled(what: string, i: number, input: unknown, f: () => unknown, check: (r: unknown) => void = () => {}): void {
  stats.inputs++;
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      let shown: string;
      try {
        shown = JSON.stringify(input)?.slice(0, 300) ?? String(input);
      } catch {
        shown = String(input);
      }
      throw new Error(`${what} #${i} (seed ${SEED}): ${String(e)} for input ${shown}`, { cause: e });
    }
    expect(e.field, `${what} #${i}`).toMatch(/\S/);
    expect(e.message.startsWith(`${e.field}: `), `${what} #${i}: ${e.message}`).toBe(true);
    // One line, but for an expression's error, which shows the expression with a caret under the fault.
    if (!hasNewline(input) && !/(^|\.)(target|activation)$/.test(e.field)) expect(e.message, `${what} #${i}`).not.toMatch(/\n/);
    stats.refused++;
    return;
  }
  check(result);
  stats.valid++;
}

afterAll(() => {
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`fuzz-loaders: ${stats.inputs} inputs (${stats.valid} valid, ${stats.refused} refused) in ${seconds.toFixed(1)} s, seed ${SEED}\n`);
});

describe(`fuzz of the loaders (${N} inputs each, seed ${SEED})`, () => {
  it('resolveConfig: a resolved config or a ConfigError naming a field', () => {
    const g = new Gen(rng(SEED));
    for (let i = 0; i < N; i++) {
      const input = g.config();
      expectHandled(
        'resolveConfig',
        i,
        input,
        () => resolveConfig(input as never),
        (r) => {
          const c = r as Record<string, unknown>;
          for (const k of ['d', 'p', 'n', 'memoryEstimateBytes']) expect(Number.isFinite(c[k]), `resolveConfig #${i}: ${k}`).toBe(true);
        },
      );
    }
  }, 600_000);

  it('sweep specs (normalizeSpec): axes and seeds or a ConfigError naming the part', () => {
    const g = new Gen(rng(SEED + 1));
    for (let i = 0; i < N; i++) {
      const spec = g.spec();
      expectHandled(
        'normalizeSpec',
        i,
        spec,
        () => normalizeSpec(spec),
        (r) => {
          const s = r as { axes: { names: string[]; rows: unknown[][] }[]; seeds: number[] };
          expect(Array.isArray(s.axes) && s.seeds.length > 0, `normalizeSpec #${i}`).toBe(true);
          for (const axis of s.axes) for (const name of axis.names) expect(Object.hasOwn(FIELDS, name), `normalizeSpec #${i}: axis ${name}`).toBe(true);
        },
      );
    }
  }, 600_000);

  it('config and spec files (bounded reads, JSON and YAML)', () => {
    const g = new Gen(rng(SEED + 2));
    const dir = mkdtempSync(join(tmpdir(), 'giantstep-fuzz-'));
    const files = Math.max(1, Math.floor(N / 10)); // the file system is slower: a tenth as many
    for (let i = 0; i < files; i++) {
      const r = g.int(6);
      let text: string;
      if (r === 0) text = g.shortString();
      else if (r === 1) text = '['.repeat(g.pick([10, 1000, 100000]));
      else if (r === 2) text = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      else {
        try {
          text = JSON.stringify(r === 3 ? g.value() : g.spec()) ?? 'undefined';
        } catch {
          text = '{}'; // a BigInt or a cycle-free but unserializable value: nothing to write
        }
      }
      const path = join(dir, `input-${i}.${g.chance(0.3) ? 'yaml' : 'json'}`);
      writeFileSync(path, text);
      expectHandled(
        'readConfigFile',
        i,
        text,
        () => readConfigFile(path),
        (v) => expect(typeof v).toBe('object'),
      );
      expectHandled('readSpecFile', i, text, () => normalizeSpec(readSpecFile(path)));
    }
  }, 600_000);

  it('CLI flags: config fields, --grid, --seeds, numbers and plot fields', () => {
    const g = new Gen(rng(SEED + 3));
    const silent = { writeOut: () => {}, writeErr: () => {} };
    for (let i = 0; i < N; i++) {
      const cmd = addConfigOptions(new Command('fuzz').exitOverride().configureOutput(silent));
      const argv: string[] = [];
      const n = g.int(4) + 1;
      for (let j = 0; j < n; j++) {
        const field = g.pick(FIELD_NAMES);
        argv.push(`--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, g.chance(0.5) ? String(g.fieldValue(field, true)) : g.string());
      }
      let opts: Record<string, unknown> | undefined;
      stats.inputs++;
      try {
        cmd.parse(argv, { from: 'user' });
        opts = cmd.opts();
      } catch (e) {
        if (!(e instanceof CommanderError)) throw new Error(`flags #${i}: ${String(e)} for ${JSON.stringify(argv)}`, { cause: e });
        expect(e.exitCode).not.toBe(0);
        stats.refused++;
      }
      if (opts) {
        const flags = opts;
        stats.inputs--; // counted once, by expectHandled
        expectHandled('flags', i, argv, () => resolveConfig(configFromFlags(flags)));
      }
      const text = g.string();
      expectHandled('--grid', i, text, () => normalizeSpec({ grid: Object.fromEntries([parseGridFlag(`${g.pick(FIELD_NAMES)}=${text}`)]) }));
      expectHandled('--grid raw', i, text, () => normalizeSpec({ grid: Object.fromEntries([parseGridFlag(text)]) }));
      expectHandled('--seeds', i, text, () => normalizeSpec({ seeds: parseSeedsFlag(text) }));
      for (const parse of [numberArg, numberListArg, positiveNumberArg]) {
        stats.inputs++;
        try {
          parse(text);
          stats.valid++;
        } catch (e) {
          if (!(e instanceof CommanderError)) throw new Error(`${parse.name} #${i}: ${String(e)} for ${JSON.stringify(text)}`);
          stats.refused++;
        }
      }
      // Plot fields: a field path (possibly refused with a plain Error the CLI turns into exit 2) that then
      // reads a hostile record without throwing.
      stats.inputs++;
      let field: ReturnType<typeof parseField> | undefined;
      try {
        field = parseField(text);
      } catch (e) {
        if (!(e instanceof Error) || e.constructor !== Error) throw new Error(`parseField #${i}: ${String(e)} for ${JSON.stringify(text)}`);
        stats.refused++;
      }
      if (field) {
        stats.valid++;
        const record = JSON.parse('{"__proto__": {"testError": 1}, "config": {"kappa": 1}, "steps": [{"testError": 0.5}]}');
        const got = field.get(g.chance(0.5) ? record : g.value());
        expect(['number', 'string', 'boolean', 'undefined']).toContain(typeof got);
      }
    }
  }, 600_000);
});

// The contract generated from the engine (src/generated) is the one the built engine speaks: its field
// table, and the shapes of what it returns. (`cargo test` checks the files are current with the Rust.)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELD_TABLE } from '../src/generated/fields';
import { describeTargetSync as describeTarget, prepareConfig, resolveConfig, run, theory } from '../src/index';
import { native } from '../src/native';

describe('generated contract', () => {
  it("types the binding from napi's own declarations of the built engine (src/generated/native.ts is current)", () => {
    // npm run build:native writes target/native.d.ts from the #[napi] functions; the facade's NativeBinding is that file.
    const fresh = join(__dirname, '..', 'target', 'native.d.ts');
    const committed = join(__dirname, '..', 'src', 'generated', 'native.ts');
    expect(existsSync(fresh), 'run npm run build:native first').toBe(true);
    const header = readFileSync(committed, 'utf8').split('\n').slice(0, 3).join('\n');
    if (process.env.GIANTSTEP_CONTRACT === 'write') writeFileSync(committed, `${header}\n${readFileSync(fresh, 'utf8')}`);
    expect(readFileSync(committed, 'utf8'), 'stale: GIANTSTEP_CONTRACT=write npx vitest run test/contract.test.ts').toBe(
      `${header}\n${readFileSync(fresh, 'utf8')}`,
    );
    // Every function the engine exports at run time is declared, and nothing more.
    const declared = [...readFileSync(fresh, 'utf8').matchAll(/export declare (?:function|class) (\w+)/g)].map((m) => m[1]).sort();
    expect(Object.keys(native()).sort()).toEqual(declared);
  });

  it('the engine exports the field table the TypeScript was generated from', () => {
    expect(JSON.parse(native().configFields())).toEqual(FIELD_TABLE);
  });

  it('one validator: the facade and the engine give the same message for the same bad value', () => {
    for (const [field, bad] of [
      ['chunk', 300],
      ['alpha', 0],
      ['kappa', 6.5],
      ['steps', 1001],
      ['seed', 2 ** 53],
      ['d', 1.5],
      ['symmetric', 'yes'],
    ] as const) {
      let facade = '';
      try {
        resolveConfig({ [field]: bad });
      } catch (e) {
        facade = (e as Error).message;
      }
      expect(facade, field).toMatch(new RegExp(`^${field}: must be`));
      // The engine called directly, past the facade, refuses with the same message.
      expect(() => native().checkConfig(JSON.stringify({ [field]: bad })), field).toThrow(JSON.stringify(facade.slice(field.length + 2)));
      expect(() => prepareConfig({ [field]: bad }), field).toThrow(facade);
    }
  });

  it('the messages the docs quote are what the engine says', () => {
    const messageOf = (input: object) => {
      try {
        resolveConfig(input);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const docs = (name: string) => readFileSync(join(__dirname, '..', 'docs', name), 'utf8');
    expect(docs('cli.md')).toContain(`giantstep: ${messageOf({ d: -3 })}\n`);
    expect(docs('limits.md')).toContain(`\`${messageOf({ d: 2 ** 32 + 1 })}\``);
    expect(docs('limits.md')).toContain(`\`${messageOf({ d: 1.5 })}\``);
  });

  it('results, descriptions and theory answers carry the generated fields', async () => {
    const result = await run({ d: 32, p: 8, n: 256, nTest: 256, trackNeurons: 2, readoutEveryStep: true });
    expect(Object.keys(result.steps[0].overlap).sort()).toEqual(['fracAbove', 'maxAbsCos', 'meanAbsCos', 'meanNorm', 'neuronCos', 'singularValues']);
    expect(result.steps[0].overlap.neuronCos).toHaveLength(2);
    expect(result.config.sampler).toMatch(/^(full|projected)$/);
    expect(describeTarget('T-C').learnedDims.linkStrength).toHaveLength(6);
    const answer = await theory({ kind: 'phase-diagram', target: 'T-C' });
    expect(answer.kind).toBe('phase-diagram');
    expect(answer.rows.map((r) => r.ell)).toEqual([1, 2, 3, 4]);
  });
});

// docs/cli.md's generated tables (src/docs-tables.ts): current with the code, and complete.
// GIANTSTEP_CONTRACT=write (npm run contract) rewrites them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASELINE_FIELD_DOCS,
  OVERLAP_FIELD_DOCS,
  presetsTable,
  RESULT_FIELD_DOCS,
  resultFieldsTable,
  STEP_FIELD_DOCS,
  TARGET_FIELD_DOCS,
  withGeneratedTables,
} from '../src/docs-tables';
import { run } from '../src/index';

const CLI_MD = join(__dirname, '..', 'docs', 'cli.md');

describe('generated docs tables', () => {
  it("docs/cli.md's presets and result-fields tables are what the code generates (npm run contract rewrites them)", () => {
    const text = readFileSync(CLI_MD, 'utf8');
    const fresh = withGeneratedTables(text);
    if (process.env.GIANTSTEP_CONTRACT === 'write' && fresh !== text) writeFileSync(CLI_MD, fresh);
    const committed = readFileSync(CLI_MD, 'utf8');
    expect(committed, 'stale: npm run contract (or GIANTSTEP_CONTRACT=write npx vitest run test/docs-tables.test.ts)').toBe(fresh);
    expect(committed).toContain(`<!-- generated: presets -->\n${presetsTable()}\n<!-- end generated -->`);
    expect(committed).toContain(`<!-- generated: result-fields -->\n${resultFieldsTable()}\n<!-- end generated -->`);
  });

  it("documents every field of a real run's result (the types make the compiler check it; this checks the engine's JSON)", async () => {
    const r = await run({ d: 20, p: 10, n: 100, steps: 1, target: 'T-B', nTest: 100 });
    expect(Object.keys(r).sort()).toEqual(Object.keys(RESULT_FIELD_DOCS).sort());
    expect(Object.keys(r.target).sort()).toEqual(Object.keys(TARGET_FIELD_DOCS).sort());
    expect(Object.keys(r.steps[0]).sort()).toEqual(Object.keys(STEP_FIELD_DOCS).sort());
    expect(Object.keys(r.initial).sort()).toEqual(Object.keys(OVERLAP_FIELD_DOCS).sort());
    expect(Object.keys(r.baselines).sort()).toEqual(Object.keys(BASELINE_FIELD_DOCS).sort());
    const rows = [...resultFieldsTable().matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toContain('steps[t].overlap.neuronCos');
    expect(rows).toContain('baselines.linearKernel');
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('refuses a page without a block for a table, or a block naming no table', () => {
    expect(() => withGeneratedTables('no blocks')).toThrow(/no <!-- generated: presets -->/);
    const both = '<!-- generated: presets -->\n<!-- end generated -->\n<!-- generated: result-fields -->\nold\n<!-- end generated -->\n';
    expect(withGeneratedTables(both)).toBe(
      `<!-- generated: presets -->\n${presetsTable()}\n<!-- end generated -->\n<!-- generated: result-fields -->\n${resultFieldsTable()}\n<!-- end generated -->\n`,
    );
    expect(() => withGeneratedTables(`${both}<!-- generated: nope -->\n<!-- end generated -->\n`)).toThrow(/unknown generated table "nope"/);
  });
});

// ESM + TypeScript user of the installed package (typechecked against the shipped .d.ts, then run).

import type { ConfigInput, Result } from 'giantstep';
import { ConfigError, resolveConfig, run, stageText, version } from 'giantstep';

const config: ConfigInput = { d: 32, p: 64, n: 512, nTest: 2000, steps: 2, target: 'T-B', seed: 1 };
const fail = (what: string): never => {
  throw new Error(`esm: ${what}`);
};

const resolved = resolveConfig(config);
if (resolved.n !== 512 || !(resolved.memoryEstimateBytes > 0)) fail(`resolveConfig gave n=${resolved.n}`);
const stages = new Set<string>();
const result: Result = await run(config, { onProgress: ({ stage }) => stages.add(stageText(stage)), progressIntervalMs: 1 });
if (!stages.has('done')) fail(`stages ${[...stages].join(', ')}`);
if (typeof result.testError !== 'number' || !Number.isFinite(result.testError)) fail(`testError ${result.testError}`);
if (result.config.n !== 512 || result.steps.length !== 2) fail(`n=${result.config.n}, ${result.steps.length} steps`);
if (result.version !== version) fail(`result.version ${result.version} != ${version}`);
let field = '';
try {
  await run({ ...config, d: -3 });
} catch (e) {
  if (e instanceof ConfigError) field = e.field;
}
if (field !== 'd') fail('run({ d: -3 }) did not reject with a ConfigError on d');
console.log(JSON.stringify({ testError: result.testError, n: result.config.n, steps: result.steps.length }));

// Compares a reproduction run on Slurm (shards + analysis job) with the same reproduction run locally:
// summary.json equal except its timing and command fields, and every figure's vega-lite spec and SVG
// equal byte for byte. Exits 1 naming the first difference. Usage: node compare-reproduction.js A B
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { isDeepStrictEqual } = require('node:util');

const [a, b] = process.argv.slice(2);
const TIMING = ['generatedAt', 'wallSeconds', 'engineSeconds', 'command'];
const summary = (dir) => {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  for (const k of TIMING) delete s[k];
  return s;
};
const fail = (what) => {
  console.error(`compare-reproduction: ${what}`);
  process.exit(1);
};
const [sa, sb] = [summary(a), summary(b)];
for (const key of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
  if (!isDeepStrictEqual(sa[key], sb[key])) fail(`summary.json differs in ${key}`);
}
const figures = readdirSync(a)
  .filter((f) => /\.(vl\.json|svg)$/.test(f))
  .sort();
const other = readdirSync(b)
  .filter((f) => /\.(vl\.json|svg)$/.test(f))
  .sort();
if (!isDeepStrictEqual(figures, other)) fail(`the figure files differ: ${figures.join(' ')} against ${other.join(' ')}`);
for (const f of figures) if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) fail(`${f} differs`);
console.log(`compare-reproduction: summary.json (${sa.runs} runs, ${sa.figures.length} figures) and ${figures.length} figure files are identical`);

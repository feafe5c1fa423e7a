// Checks two results files hold the same runs (same keys) with identical results (all but timing).
// Usage: node compare.js a.jsonl b.jsonl
const { readResults, resultOf } = require('../../dist/sweep');
const { canonicalJson } = require('../../dist/sweep/key');

const [a, b] = process.argv.slice(2).map((path) => {
  const records = readResults(path, (m) => console.error(`warning: ${m}`));
  return new Map(records.map((r) => [r.key, r]));
});
const problems = [];
if (a.size === 0) problems.push('no runs');
for (const key of new Set([...a.keys(), ...b.keys()])) {
  if (!a.has(key) || !b.has(key)) problems.push(`run ${key} is only in ${a.has(key) ? 'the first' : 'the second'} file`);
  else if (canonicalJson(resultOf(a.get(key))) !== canonicalJson(resultOf(b.get(key)))) problems.push(`run ${key} differs`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`compare: ${a.size} runs, identical run by run (timing aside)`);

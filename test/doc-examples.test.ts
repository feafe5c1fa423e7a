// The docs' examples run as written. A fenced block whose info string says `test` (```sh test, ```ts test,
// ```python test) is run, in order, in one scratch folder per doc: shell with `giantstep` on the PATH,
// TypeScript/JavaScript as an ES module that imports 'giantstep' (this package), Python with pandas and
// polars. An HTML comment `<!-- setup: … -->` right before a block is a shell command run first (files the
// example reads), so that what readers see is only the example.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli';
import { python } from './helpers/python';

const root = join(__dirname, '..');
const docsDir = join(root, 'docs');

interface Example {
  lang: string;
  code: string;
  setup?: string;
}

/** The blocks tagged `test` of a Markdown text, with their setup comments. */
export function examples(markdown: string): Example[] {
  const found = markdown.matchAll(/(?:<!-- setup: ([\s\S]*?) -->\n)?```(\w+) test\n([\s\S]*?)```/g);
  return [...found].map(([, setup, lang, code]) => ({ lang, code, setup }));
}

function scratch(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'giantstep-doc-'));
  mkdirSync(join(dir, 'bin'));
  const shim = join(dir, 'bin', 'giantstep');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(shim, 0o755);
  // `import … from 'giantstep'` resolves to this package, through its exports map.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'giantstep'), 'dir');
  return { dir, env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DOCS: docsDir } };
}

function runExample(example: Example, index: number, dir: string, env: NodeJS.ProcessEnv): string {
  const opts = { cwd: dir, env, encoding: 'utf8' as const, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  if (example.setup) execFileSync('bash', ['-euo', 'pipefail', '-c', example.setup], opts);
  switch (example.lang) {
    case 'sh':
      return execFileSync('bash', ['-euo', 'pipefail', '-c', example.code], opts);
    case 'ts':
    case 'js': {
      // The examples use no TypeScript-only syntax, so they run as JavaScript modules too.
      const file = join(dir, `example-${index}.mjs`);
      writeFileSync(file, example.code);
      return execFileSync(process.execPath, [file], opts);
    }
    case 'python':
      return execFileSync(python(), ['-c', example.code], opts);
    default:
      throw new Error(`no runner for a \`${example.lang} test\` block`);
  }
}

const docs = readdirSync(docsDir).filter((f) => f.endsWith('.md'));
const tagged = docs.map((file) => ({ file, examples: examples(readFileSync(join(docsDir, file), 'utf8')) })).filter((d) => d.examples.length > 0);

describe('doc examples', () => {
  it('finds tagged examples in the docs that show code to run', () => {
    expect(tagged.map((d) => d.file).sort()).toEqual(['api.md', 'results-in-python.md', 'sweeps-and-slurm.md', 'targets-and-theory.md', 'worked-example.md']);
  });

  it('recognises a setup comment and the language of a tagged block', () => {
    const md = 'text\n<!-- setup: touch a -->\n```sh test\nls a\n```\n```sh\nnot run\n```\n```python test\nprint(1)\n```\n';
    expect(examples(md)).toEqual([
      { lang: 'sh', code: 'ls a\n', setup: 'touch a' },
      { lang: 'python', code: 'print(1)\n', setup: undefined },
    ]);
  });

  it('a failing example fails the test (a refused flag, a JavaScript error)', () => {
    const { dir, env } = scratch();
    expect(() => runExample({ lang: 'sh', code: 'giantstep run --d -3\n' }, 0, dir, env)).toThrow(/d: must be >= 1/);
    expect(() => runExample({ lang: 'ts', code: "import { run } from 'giantstep';\nawait run({ bogus: 1 });\n" }, 1, dir, env)).toThrow(/bogus/);
  });

  for (const { file, examples: blocks } of tagged) {
    it(`${file}: its ${blocks.length} example(s) run as written`, () => {
      const { dir, env } = scratch();
      blocks.forEach((example, i) => {
        try {
          runExample(example, i, dir, env);
        } catch (e) {
          const err = e as { stderr?: string; message: string };
          throw new Error(`${file}, example ${i + 1} (${example.lang}) failed: ${err.stderr || err.message}`);
        }
      });
    }, 600_000);
  }
});

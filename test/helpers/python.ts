// Real Python for the tests that read giantstep's output as researchers do (pandas, polars).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** A venv with the pinned pandas, polars and pyarrow (test/python/requirements.txt), reused while the pins hold. */
export function python(): string {
  const venv = join(root, '.tools', 'py-readback');
  const pins = readFileSync(join(root, 'test', 'python', 'requirements.txt'), 'utf8');
  const stamp = join(venv, 'requirements.installed');
  const bin = join(venv, 'bin', 'python');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pins) return bin;
  // Built aside and renamed into place, so test files that ask at the same time never share a half-made venv.
  mkdirSync(join(root, '.tools'), { recursive: true });
  const aside = `${venv}.tmp-${process.pid}`;
  execFileSync('python3', ['-m', 'venv', '--clear', aside], { stdio: 'inherit' });
  execFileSync(
    join(aside, 'bin', 'python'),
    ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', join(root, 'test', 'python', 'requirements.txt')],
    {
      stdio: 'inherit',
    },
  );
  writeFileSync(join(aside, 'requirements.installed'), pins);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== pins) {
    rmSync(venv, { recursive: true, force: true });
    try {
      renameSync(aside, venv);
    } catch {
      // another test file won the race: its venv is as good
    }
  }
  rmSync(aside, { recursive: true, force: true });
  return bin;
}

// Runs the built CLI (dist/cli/main.js) as a user would; shared by the CLI-level tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const cli = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const exec = promisify(execFile);

/** Exit code, stdout and stderr of `giantstep ...args`. */
export async function giantstep(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

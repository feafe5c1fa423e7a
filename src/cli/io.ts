// Small I/O helpers shared by the commands.
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../config';

/** Atomic writes of `--out` files, only over regular files or new paths (src/files.ts, docs/limits.md). */
export { checkOutPath, writeAtomic } from '../files';

export function readJsonFile(path: string, field = 'config'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A progress bar on stderr that appears only for work longer than a second, on a terminal. */
export class ProgressBar {
  private bar?: SingleBar;
  private readonly started = Date.now();
  constructor(private readonly enabled: boolean) {}

  update(fraction: number, stage: string): void {
    if (!this.enabled || Date.now() - this.started < 1000) return;
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: '{bar} {percentage}% | ETA {eta_formatted} | {stage}',
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(1000, 0, { stage });
    }
    this.bar.update(Math.round(fraction * 1000), { stage });
  }

  stop(): void {
    this.bar?.stop();
  }
}

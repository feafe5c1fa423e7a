// Small I/O helpers shared by the commands.
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../config';
import { readBoundedText } from '../config/input-file';

/** Atomic writes of `--out` files, only over regular files or new paths (src/output.ts, docs/limits.md). */
export { checkOutPath, writeAtomic } from '../output';

/** The largest JSON file read by `readJsonFile` (a theory curve is kilobytes; overlaps at p = 512, megabytes). */
export const MAX_JSON_FILE_BYTES = 64 * 1024 * 1024;

/** A JSON file's value, read bounded (a regular file or pipe, at most `limit` bytes): never /dev/zero forever. */
export function readJsonFile(path: string, field = 'config', limit = MAX_JSON_FILE_BYTES): unknown {
  const text = readBoundedText(path, field, limit);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
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

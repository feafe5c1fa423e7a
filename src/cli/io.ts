// Small I/O helpers shared by the commands.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SingleBar } from 'cli-progress';
import { ConfigError } from '../config';

/** Writes a file atomically (temp file + rename), so readers never see half a result. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

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

// Loads the compiled engine: a local build (`npm run build:native` writes giantstep.<platform>.node at the
// package root) or the prebuilt package for this platform (giantstep-<platform>).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface NativeRunHandle {
  cancel(): void;
  readonly stage: string;
  readonly fraction: number;
}

export interface NativeBinding {
  RunHandle: new () => NativeRunHandle;
  runExperiment(configJson: string, memoryLimitBytes: number, handle: NativeRunHandle): Promise<string>;
  resolveConfig(configJson: string, memoryLimitBytes: number): string;
  engineVersion(): string;
}

/** The napi-rs platform name of this machine, e.g. linux-x64-gnu. */
export function platformName(): string {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    const libc = report?.header?.glibcVersionRuntime ? 'gnu' : 'musl';
    return `linux-${arch}-${libc}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

let cached: NativeBinding | undefined;

export function native(): NativeBinding {
  if (cached) return cached;
  const name = platformName();
  const local = join(__dirname, '..', `giantstep.${name}.node`);
  const candidates = [local, `giantstep-${name}`];
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (candidate === local && !existsSync(local)) continue;
    try {
      cached = require(candidate) as NativeBinding;
      return cached;
    } catch (e) {
      failures.push(`${candidate}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `giantstep has no engine for ${name}: neither a local build (${local}) nor the package giantstep-${name} could be loaded` +
      (failures.length ? ` (${failures.join('; ')})` : '') +
      '. Build it from source with Rust installed: `npm run build:native` in the giantstep package folder.',
  );
}

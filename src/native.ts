// Loads the compiled engine: a local build (`npm run build:native` writes giantstep.<platform>.node at the
// package root) or the prebuilt package for this platform (giantstep-<platform>).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Generated from './generated/native';

/** The engine's functions and classes, as napi-rs declares them from the Rust (src/generated/native.ts). */
export type NativeBinding = typeof Generated;
export type NativeRunHandle = Generated.RunHandle;

/** The napi-rs platform name of this machine, e.g. linux-x64-gnu. */
export function platformName(): string {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** musl or glibc, as napi-rs's generated loader decides: the system's ldd, else the process report. */
function isMusl(): boolean {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    // no ldd: ask Node which libc it runs on (skipping the report's slow network section)
  }
  if (process.report) (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

/** The platforms declared for giantstep-<platform> packages (package.json napi.targets). */
export const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc'];

/** Those this project builds (scripts/portable-build.mjs); how far each is tested is in docs/install.md. */
export const BUILT = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc'];

/** The oldest glibc the prebuilt linux-gnu engines load on (scripts/portable-build.mjs links against it). */
export const MIN_GLIBC = '2.17';

/** The oldest macOS each darwin engine declares (its LC_BUILD_VERSION): the oldest that Node 20 runs on. */
export const MIN_MACOS: Readonly<Record<string, string>> = { 'darwin-arm64': '11.0', 'darwin-x64': '10.15' };

const BUILD_FROM_SOURCE = 'build from a source checkout with Rust >= 1.88: `npm ci && npm run build`, then `npm install -g .` (docs/install.md)';

/** Why an engine file that exists did not load, and what to do: the loader's first line, explained. */
export function loadFailureHint(message: string): string {
  const cause = message.split('\n')[0];
  const glibc = /version `GLIBC_([0-9.]+)' not found/.exec(cause);
  if (glibc) {
    return (
      `${cause}: this system's C library (glibc) is older than this engine needs (glibc ${glibc[1]}). ` +
      `The published linux-gnu engines need glibc >= ${MIN_GLIBC}; an engine built on a newer system does not load here: ` +
      `install the published package, or ${BUILD_FROM_SOURCE} on this machine`
    );
  }
  const macos = /built for macOS ([0-9.]+) which is newer than running OS/.exec(cause);
  if (macos) {
    return `${cause}: this engine needs macOS ${macos[1]} or newer: update macOS, or ${BUILD_FROM_SOURCE} on this machine`;
  }
  if (/specified procedure could not be found/i.test(cause)) {
    return `${cause}: the Windows engine needs Windows 10 or newer (its Rust runtime calls ProcessPrng of bcryptprimitives.dll)`;
  }
  if (
    /wrong ELF class|invalid ELF header|file too short|not a dynamic executable|Exec format error|not a mach-o file|incompatible architecture|not a valid Win32 application/i.test(
      cause,
    )
  ) {
    return `${cause}: the file is not an engine for this platform (damaged, or built for another one): reinstall giantstep, or ${BUILD_FROM_SOURCE}`;
  }
  return cause;
}

const isNotFound = (e: unknown, candidate: string) =>
  (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(`'${candidate}'`);

let cached: NativeBinding | undefined;

export function native(): NativeBinding {
  if (cached) return cached;
  const name = platformName();
  const local = join(__dirname, '..', `giantstep.${name}.node`);
  const candidates = [local, `giantstep-${name}`];
  const missing: string[] = [];
  for (const candidate of candidates) {
    if (candidate === local && !existsSync(local)) continue;
    try {
      cached = require(candidate) as NativeBinding;
      return cached;
    } catch (e) {
      if (!isNotFound(e, candidate)) {
        // The engine is there but does not load: say why, not "missing".
        throw new Error(`giantstep could not load its engine ${candidate}: ${loadFailureHint((e as Error).message)}`);
      }
      missing.push(candidate);
    }
  }
  throw new Error(
    `giantstep has no engine for ${name}: neither a local build (${local}) nor the package giantstep-${name} is installed. ` +
      `Prebuilt engines are built for ${BUILT.join(', ')}: on those, reinstall giantstep with optional` +
      ` dependencies enabled (the engine is the optional dependency giantstep-${name}). Elsewhere, ${BUILD_FROM_SOURCE}.`,
  );
}

#!/usr/bin/env node
// `npm run build:native:portable [-- --platform linux-x64-gnu] [--out DIR]`: the release engine for a
// Linux platform, linked by zig so that it loads on old systems: the glibc targets against glibc 2.17
// (CentOS 7, RHEL/Rocky 8, Ubuntu 20.04 and newer), musl statically against nothing but the loader.
// A build with the system linker needs this machine's glibc (2.34+ on Debian 12) and fails to load on
// cluster nodes. zig and cargo-zigbuild come from PyPI, pinned in scripts/zig-requirements.txt, into a
// virtual environment at .tools/zig (ignored by git); the Rust standard library of a cross target comes
// from rustup. Writes DIR/giantstep.<platform>.node (default DIR: target/portable) and prints its path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** napi platform name → the target cargo-zigbuild builds (a `.2.17` suffix pins zig's glibc). */
export const PORTABLE_TARGETS = {
  'linux-x64-gnu': 'x86_64-unknown-linux-gnu.2.17',
  'linux-arm64-gnu': 'aarch64-unknown-linux-gnu.2.17',
  'linux-x64-musl': 'x86_64-unknown-linux-musl',
};

const step = (what) => process.stderr.write(`portable-build: ${what}\n`);
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });

/** .tools/zig: a venv with the pinned zig and cargo-zigbuild; rebuilt when the pins change. */
function zigToolchain() {
  const venv = join(root, '.tools', 'zig');
  const bin = join(venv, 'bin');
  const pins = readFileSync(join(root, 'scripts', 'zig-requirements.txt'), 'utf8');
  const stamp = join(venv, 'requirements.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pins) return bin;
  step('installing zig and cargo-zigbuild from PyPI into .tools/zig (scripts/zig-requirements.txt)');
  mkdirSync(dirname(venv), { recursive: true });
  run('python3', ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
  run(join(bin, 'python'), ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', join(root, 'scripts', 'zig-requirements.txt')], {
    stdio: 'inherit',
  });
  writeFileSync(stamp, pins);
  return bin;
}

/** The Rust standard library for the target, from rustup, when it is not the host's. */
function ensureRustTarget(triple) {
  const installed = run('rustup', ['target', 'list', '--installed']).split('\n');
  if (installed.includes(triple)) return;
  step(`adding the Rust standard library for ${triple} (rustup target add)`);
  run('rustup', ['target', 'add', triple], { stdio: 'inherit' });
}

/** The highest GLIBC_x.y symbol version a shared object needs (readelf -V), or null for none. */
export function maxGlibcVersion(file) {
  const text = execFileSync('readelf', ['-V', '--wide', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const versions = [...text.matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
  if (!versions.length) return null;
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const [major, minor, patch] = versions.at(-1);
  return patch ? `${major}.${minor}.${patch}` : `${major}.${minor}`;
}

export function portableBuild(platform, outDir) {
  const target = PORTABLE_TARGETS[platform];
  if (!target) {
    throw new Error(`portable-build: --platform must be one of ${Object.keys(PORTABLE_TARGETS).join(', ')} (got ${platform})`);
  }
  const base = target.split('.')[0];
  ensureRustTarget(base);
  const zigBin = zigToolchain();
  mkdirSync(outDir, { recursive: true });
  const env = {
    ...process.env,
    // cargo-zigbuild runs `python3 -m ziglang` when `zig` is not on PATH: the venv's python3 comes first.
    PATH: `${zigBin}${delimiter}${process.env.PATH}`,
    // A cdylib on musl must link the C runtime dynamically: Node's own musl loads it.
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS: '-C target-feature=-crt-static',
  };
  step(`building the release engine for ${platform} (${target}) with zig as the linker`);
  const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
  execFileSync(
    process.execPath,
    [
      napi,
      'build',
      '--platform',
      '--release',
      '--manifest-path',
      'crates/node/Cargo.toml',
      '--target',
      target,
      '--cross-compile',
      '--output-dir',
      outDir,
      '--no-js',
      '--no-dts-header',
      '--dts',
      join(outDir, 'native.d.ts'),
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  const binary = join(outDir, `giantstep.${platform}.node`);
  if (!existsSync(binary)) throw new Error(`portable-build: napi build wrote no ${binary}`);
  return binary;
}

function hostPlatform() {
  if (!existsSync(join(root, 'dist', 'native.js'))) run('npm', ['run', 'build:ts'], { stdio: 'inherit' });
  return createRequire(import.meta.url)(join(root, 'dist', 'native.js')).platformName();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const platform = option('--platform', undefined) ?? hostPlatform();
  const binary = portableBuild(platform, option('--out', join(root, 'target', 'portable')));
  const glibc = platform.endsWith('-gnu') ? maxGlibcVersion(binary) : null;
  process.stdout.write(`${binary}${glibc ? `\tneeds GLIBC_${glibc}` : ''}\n`);
}

#!/usr/bin/env node
// `npm run build:native:portable [-- --platform linux-x64-gnu] [--out DIR]`: the release engine for a
// platform other than "this machine's C library", linked by zig so that it loads where users run it:
//   - linux glibc targets against glibc 2.17 (CentOS 7, RHEL/Rocky 8, Ubuntu 20.04 and newer), musl
//     dynamically against Node's own musl; a build with the system linker needs this machine's glibc
//     (2.34+ on Debian 12) and fails to load on cluster nodes;
//   - macOS arm64 and x64 against zig's libSystem stubs (no Apple SDK), declaring the oldest macOS that
//     Node 20 runs on (MIN_MACOS in src/native.ts);
//   - Windows x64 as x86_64-pc-windows-gnu against the UCRT of Windows 10+, packed as win32-x64-msvc:
//     Node-API is a C interface, so the DLL loads in the official (MSVC-built) Node.
// zig and cargo-zigbuild come from PyPI, pinned in scripts/zig-requirements.txt, into a virtual
// environment at .tools/zig (ignored by git); the Rust standard library of a cross target comes from
// rustup. Writes DIR/giantstep.<platform>.node (default DIR: target/portable) and prints its path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** napi platform name → the Rust target built for it (a `.2.17` suffix pins zig's glibc). */
export const PORTABLE_TARGETS = {
  'linux-x64-gnu': 'x86_64-unknown-linux-gnu.2.17',
  'linux-arm64-gnu': 'aarch64-unknown-linux-gnu.2.17',
  'linux-x64-musl': 'x86_64-unknown-linux-musl',
  'darwin-arm64': 'aarch64-apple-darwin',
  'darwin-x64': 'x86_64-apple-darwin',
  // The MSVC target needs Microsoft's C runtime and SDK, which cargo-xwin downloads from Microsoft: the
  // MinGW target needs neither, and its DLL serves the same Node (see the header).
  'win32-x64-msvc': 'x86_64-pc-windows-gnu',
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
  const triple = target.split('.')[0];
  ensureRustTarget(triple);
  const zigBin = zigToolchain();
  mkdirSync(outDir, { recursive: true });
  const env = {
    ...process.env,
    // cargo-zigbuild runs `python3 -m ziglang` when `zig` is not on PATH: the venv's python3 comes first.
    PATH: `${zigBin}${delimiter}${process.env.PATH}`,
    // A cdylib on musl must link the C runtime dynamically: Node's own musl loads it.
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS: '-C target-feature=-crt-static',
    ...darwinEnv(platform, triple),
  };
  step(`building the release engine for ${platform} (${target}) with zig as the linker`);
  const binary = join(outDir, `giantstep.${platform}.node`);
  if (triple.endsWith('windows-gnu')) buildWindowsGnu(triple, binary, env, zigBin);
  else napiBuild(target, outDir, env);
  if (!existsSync(binary)) throw new Error(`portable-build: the build wrote no ${binary}`);
  return binary;
}

/** macOS: the oldest version the engine declares, and an install name that is not this machine's path. */
function darwinEnv(platform, triple) {
  if (!triple.endsWith('apple-darwin')) return {};
  const { MIN_MACOS } = distNative();
  return {
    MACOSX_DEPLOYMENT_TARGET: MIN_MACOS[platform],
    [`CARGO_TARGET_${triple.toUpperCase().replaceAll('-', '_')}_RUSTFLAGS`]: `-C link-arg=-Wl,-install_name,@rpath/giantstep.${platform}.node`,
  };
}

function napiBuild(target, outDir, env) {
  const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
  const args = ['build', '--platform', '--release', '--manifest-path', 'crates/node/Cargo.toml', '--target', target];
  args.push('--cross-compile', '--output-dir', outDir, '--no-js', '--no-dts-header', '--dts', join(outDir, 'native.d.ts'));
  execFileSync(process.execPath, [napi, ...args], { cwd: root, env, stdio: 'inherit' });
}

/**
 * Windows through MinGW, with cargo-zigbuild directly: napi's `--cross-compile` only knows the MSVC
 * target. napi's build script for windows-gnu insists on linking a MinGW Node's `libnode.dll`; the engine
 * imports nothing from Node at link time (napi's `dyn-symbols` finds Node-API in the loading process), so
 * an empty import library of node.exe stands in for it, under the two names napi-build and the linker
 * look for. `test/package/windows.sh` checks that the DLL imports system DLLs only.
 */
function buildWindowsGnu(triple, binary, env, zigBin) {
  const stub = join(root, 'target', 'libnode-stub');
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, 'node.def'), 'LIBRARY node.exe\nEXPORTS\n');
  run(join(zigBin, 'python'), ['-m', 'ziglang', 'dlltool', '-d', join(stub, 'node.def'), '-l', join(stub, 'node.lib'), '-m', 'i386:x86-64']);
  copyFileSync(join(stub, 'node.lib'), join(stub, 'libnode.dll'));
  execFileSync(join(zigBin, 'cargo-zigbuild'), ['zigbuild', '--release', '-p', 'giantstep-node', '--target', triple], {
    cwd: root,
    env: { ...env, LIBNODE_PATH: stub },
    stdio: 'inherit',
  });
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  copyFileSync(join(targetDir, triple, 'release', 'giantstep_node.dll'), binary);
}

/** The compiled loader (dist/native.js), built first when missing: platform names and minimum versions. */
function distNative() {
  if (!existsSync(join(root, 'dist', 'native.js'))) run('npm', ['run', 'build:ts'], { stdio: 'inherit' });
  return createRequire(import.meta.url)(join(root, 'dist', 'native.js'));
}

function hostPlatform() {
  return distNative().platformName();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const platform = option('--platform', undefined) ?? hostPlatform();
  const binary = portableBuild(platform, option('--out', join(root, 'target', 'portable')));
  const glibc = platform.endsWith('-gnu') ? maxGlibcVersion(binary) : null;
  process.stdout.write(`${binary}${glibc ? `\tneeds GLIBC_${glibc}` : ''}\n`);
}

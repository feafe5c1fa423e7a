#!/usr/bin/env node
// `npm run pack:local`: the release flow for this machine only. Builds the release engine and the JS, lays
// out the platform package with `napi create-npm-dirs` (as a release does), puts this machine's binary in
// it (what `napi artifacts` does for every target at once; it refuses to run with only one) and writes two
// tarballs into artifacts/:
//   giantstep-<version>.tgz                  the main package: compiled JS, .d.ts, README, LICENSE
//   giantstep-<platform>-<version>.tgz       the engine for this platform (one .node file)
// Install both into any project (`npm install ./artifacts/*.tgz`) to get what `npm install giantstep`
// gives on this platform, without a Rust toolchain. `--no-build` reuses the current build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sh = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', shell: process.platform === 'win32' });
const step = (what) => process.stderr.write(`pack:local: ${what}\n`);

if (!process.argv.includes('--no-build')) {
  step('building the release engine and the JS (npm run build)');
  execFileSync(npmCmd, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { platformName } = createRequire(import.meta.url)(join(root, 'dist', 'native.js'));
const platform = platformName();
const binaryFile = `${pkg.napi.binaryName}.${platform}.node`;
const binary = join(root, binaryFile);
if (!existsSync(binary)) throw new Error(`pack:local: ${binaryFile} is missing: run npm run build:native`);

step('generating the platform packages (napi create-npm-dirs)');
sh(process.execPath, [join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'create-npm-dirs']);
const platformDir = join(root, 'npm', platform);
const platformPkg = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'));
if (platformPkg.main !== binaryFile) {
  throw new Error(`pack:local: npm/${platform}/package.json has main ${platformPkg.main}, expected ${binaryFile}`);
}
copyFileSync(binary, join(platformDir, binaryFile));

const out = join(root, 'artifacts');
mkdirSync(out, { recursive: true });
const pack = (dir) => {
  const [info] = JSON.parse(sh(npmCmd, ['pack', '--json', '--pack-destination', out], dir));
  return join(out, info.filename);
};
step('packing');
const mainTarball = pack(root);
const platformTarball = pack(platformDir);

const mb = (file) => `${(statSync(file).size / 1e6).toFixed(2)} MB`;
process.stdout.write(
  `${relative(root, mainTarball)}\t${mb(mainTarball)}\t${pkg.name}@${pkg.version}\n` +
    `${relative(root, platformTarball)}\t${mb(platformTarball)}\t${platformPkg.name}@${platformPkg.version} (${binaryFile}: ${mb(binary)})\n`,
);

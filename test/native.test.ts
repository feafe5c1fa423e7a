import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT, loadFailureHint, MIN_GLIBC, MIN_MACOS, SUPPORTED } from '../src/native';

// What a user sees when the engine file is there but does not load. The end-to-end cases (a damaged
// engine in an installed package) are in test/package/run.sh.
describe('loadFailureHint', () => {
  it('names an old glibc, the version needed, the published minimum and the way out', () => {
    const message = "/lib64/libc.so.6: version `GLIBC_2.34' not found (required by /x/node_modules/giantstep-linux-x64-gnu/giantstep.linux-x64-gnu.node)\nmore";
    const hint = loadFailureHint(message);
    expect(hint).toContain("version `GLIBC_2.34' not found");
    expect(hint).toContain('older than this engine needs (glibc 2.34)');
    expect(hint).toContain(`glibc >= ${MIN_GLIBC}`);
    expect(hint).toContain('npm ci && npm run build');
    expect(hint).not.toContain('\n');
  });

  it('calls a file of another platform or a damaged one what it is', () => {
    for (const cause of ['/x/e.node: invalid ELF header', '/x/e.node: file too short', '/x/e.node: wrong ELF class: ELFCLASS32']) {
      expect(loadFailureHint(cause)).toMatch(/not an engine for this platform .*reinstall giantstep/);
    }
  });

  it('says which macOS or Windows an engine needs', () => {
    const mac = "dlopen(/x/giantstep.darwin-arm64.node, 0x0001): tried: '/x/giantstep.darwin-arm64.node' (built for macOS 11.0 which is newer than running OS)";
    expect(loadFailureHint(mac)).toMatch(/needs macOS 11\.0 or newer: update macOS, or build from a source checkout/);
    expect(loadFailureHint('The specified procedure could not be found.\r\n\\?\\C:\\x\\giantstep.win32-x64-msvc.node')).toMatch(/needs Windows 10 or newer/);
    for (const cause of ["mach-o file, but is an incompatible architecture (have 'x86_64', need 'arm64e')", '%1 is not a valid Win32 application.']) {
      expect(loadFailureHint(cause)).toMatch(/not an engine for this platform/);
    }
  });

  it('passes any other cause through, first line only', () => {
    expect(loadFailureHint('undefined symbol: napi_foo\nstack')).toBe('undefined symbol: napi_foo');
  });
});

describe('platforms', () => {
  it('the loader names as built exactly the platforms scripts/portable-build.mjs builds, all of them declared', () => {
    const script = readFileSync(join(__dirname, '..', 'scripts', 'portable-build.mjs'), 'utf8');
    const table = script.slice(script.indexOf('PORTABLE_TARGETS = {'), script.indexOf('};', script.indexOf('PORTABLE_TARGETS = {')));
    const built = [...table.matchAll(/'([a-z0-9-]+)':/g)].map((m) => m[1]);
    expect(built.sort()).toEqual([...BUILT].sort());
    for (const p of BUILT) expect(SUPPORTED).toContain(p);
  });

  it('declares a minimum macOS for each darwin engine, as docs/install.md says', () => {
    const install = readFileSync(join(__dirname, '..', 'docs', 'install.md'), 'utf8');
    expect(Object.keys(MIN_MACOS).sort()).toEqual(SUPPORTED.filter((p) => p.startsWith('darwin-')).sort());
    expect(install).toContain(`the minimum macOS it declares (${MIN_MACOS['darwin-arm64']}, Node 20's own)`);
    expect(install).toContain(`(minimum macOS ${MIN_MACOS['darwin-x64']})`);
  });
});

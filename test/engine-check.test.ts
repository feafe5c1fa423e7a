import { describe, expect, it } from 'vitest';
import { darwinChecks, windowsChecks } from '../scripts/engine-check.mjs';
import { MIN_MACOS } from '../src/native';

// The structural rules for engines this machine cannot load, on excerpts of what LLVM's tools print for
// the real cross-built files (test/package/{macos,windows}.sh run them on the files themselves). Each rule
// is shown to fail on the one defect it exists for.
const machoHeaders = (format: string) => `File: e.node\nFormat: ${format}\nArch: aarch64\nMachHeader {\n  FileType: DynamicLibrary (0x6)\n`;
const loadCommand = (cmd: string, name: string) => `Load command 1\n          cmd ${cmd}\n      cmdsize 56\n         name ${name} (offset 24)\n`;
const buildVersion = (minos: string) => `Load command 2\n       cmd LC_BUILD_VERSION\n   cmdsize 32\n  platform macos\n       sdk 27.0\n     minos ${minos}\n`;
const darwin = {
  headers: machoHeaders('Mach-O arm64'),
  loadCommands:
    loadCommand('LC_ID_DYLIB', '@rpath/giantstep.darwin-arm64.node') +
    buildVersion('11.0') +
    loadCommand('LC_LOAD_DYLIB', '/usr/lib/libSystem.B.dylib') +
    loadCommand('LC_LOAD_DYLIB', '/usr/lib/libiconv.2.dylib'),
  exported: '0000000000189d28 T __ZdaPv\n0000000000012340 T _napi_register_module_v1\n',
  undefinedSymbols: '                 (undefined) external _malloc (from libSystem)\n                 (undefined) external _napi_create_double\n',
  minMacos: MIN_MACOS['darwin-arm64'],
};
const failing = (checks: { check: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.check);

describe('macOS engine structure', () => {
  it('passes a well-formed arm64 engine', () => {
    expect(failing(darwinChecks('darwin-arm64', darwin))).toEqual([]);
  });

  it('fails each defect by name', () => {
    expect(failing(darwinChecks('darwin-x64', darwin))).toEqual(['architecture']);
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, headers: darwin.headers.replace('DynamicLibrary', 'Bundle') }))).toEqual(['dynamic library']);
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, exported: '0000 T _napi_register_module_v2\n' }))).toEqual(['exports napi_register_module_v1']);
    const libcxx = `${darwin.undefinedSymbols}                 (undefined) external __ZNSt3__14cout (from libc++)\n`;
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, undefinedSymbols: libcxx }))).toEqual(['undefined symbols']);
    const homebrew = darwin.loadCommands + loadCommand('LC_LOAD_DYLIB', '/opt/homebrew/lib/libopenblas.0.dylib');
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, loadCommands: homebrew }))).toEqual(['libraries']);
    // zig's default is the newest macOS it knows: an engine that would refuse to load on most Macs.
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, loadCommands: darwin.loadCommands.replace('minos 11.0', 'minos 15.0') }))).toEqual([
      'minimum macOS',
    ]);
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, loadCommands: darwin.loadCommands.replace('minos 11.0', 'minos 11.1') }))).toEqual([
      'minimum macOS',
    ]);
    const leaked = darwin.loadCommands.replace('@rpath/giantstep.darwin-arm64.node', '/work/target/release/deps/libgiantstep_node.dylib');
    expect(failing(darwinChecks('darwin-arm64', { ...darwin, loadCommands: leaked }))).toEqual(['install name']);
  });

  it('accepts an older declared minimum and the x64 engine', () => {
    const x64 = { ...darwin, headers: machoHeaders('Mach-O 64-bit x86-64'), minMacos: MIN_MACOS['darwin-x64'] };
    expect(failing(darwinChecks('darwin-x64', { ...x64, loadCommands: darwin.loadCommands.replace('minos 11.0', 'minos 10.15') }))).toEqual([]);
    expect(failing(darwinChecks('darwin-x64', { ...x64, loadCommands: darwin.loadCommands.replace('minos 11.0', 'minos 10.12') }))).toEqual([]);
  });
});

describe('Windows engine structure', () => {
  const windows = {
    headers: 'File: e.node\nFormat: COFF-x86-64\nArch: x86_64\n  Characteristics [ (0x2022)\n    IMAGE_FILE_DLL (0x2000)\n',
    exports: 'Export {\n  Ordinal: 1\n  Name: napi_register_module_v1\n  RVA: 0x1000\n}\n',
    imports: ['KERNEL32.dll', 'ntdll.dll', 'bcryptprimitives.dll', 'api-ms-win-crt-math-l1-1-0.dll'].map((d) => `    DLL Name: ${d}\n`).join(''),
  };

  it('passes a DLL importing system DLLs only', () => {
    expect(failing(windowsChecks(windows))).toEqual([]);
  });

  it('fails each defect by name', () => {
    expect(failing(windowsChecks({ ...windows, headers: windows.headers.replace('COFF-x86-64', 'COFF-ARM64') }))).toEqual(['architecture']);
    expect(failing(windowsChecks({ ...windows, headers: windows.headers.replace('IMAGE_FILE_DLL', 'IMAGE_FILE_EXECUTABLE_IMAGE') }))).toEqual(['DLL']);
    expect(failing(windowsChecks({ ...windows, exports: 'Name: napi_register_module\n' }))).toEqual(['exports napi_register_module_v1']);
    // A MinGW runtime DLL that no Windows has: the engine would not load on a user's machine.
    for (const dll of ['libgcc_s_seh-1.dll', 'libwinpthread-1.dll', 'VCRUNTIME140.dll']) {
      expect(failing(windowsChecks({ ...windows, imports: `${windows.imports}    DLL Name: ${dll}\n` }))).toEqual(['imports']);
    }
  });
});

#!/usr/bin/env node
// `node scripts/engine-check.mjs FILE PLATFORM`: structural checks of an engine that this machine cannot
// load (a Mach-O for macOS, a PE DLL for Windows), read with LLVM's object tools from rustup's
// llvm-tools component (added when missing). Prints one PASS/FAIL line per check; exits 1 on a failure.
//   darwin-*: the architecture; a dynamic library; `napi_register_module_v1` exported; every undefined
//             symbol bound to libSystem, or a Node-API symbol left to dynamic lookup; only system
//             libraries under /usr/lib; the minimum macOS it declares is MIN_MACOS; an @rpath install name.
//   win32-*:  x86-64; a DLL; `napi_register_module_v1` exported; it imports only Windows system DLLs
//             (or node.exe).
// The rules are pure functions of the tools' text (tested in test/engine-check.test.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The libraries every macOS has in /usr/lib that Rust's standard library links. */
export const MACOS_SYSTEM_DYLIBS = ['/usr/lib/libSystem.B.dylib', '/usr/lib/libiconv.2.dylib', '/usr/lib/libcharset.1.dylib'];

/** Windows system DLLs the engine may import (Rust's std and the UCRT), besides the api-ms-win-* API sets. */
export const WINDOWS_SYSTEM_DLLS = [
  'kernel32.dll',
  'ntdll.dll',
  'bcryptprimitives.dll',
  'advapi32.dll',
  'userenv.dll',
  'ws2_32.dll',
  'ucrtbase.dll',
  'node.exe',
];

const MACHO_ARCH = { 'darwin-arm64': 'Mach-O arm64', 'darwin-x64': 'Mach-O 64-bit x86-64' };

const result = (check, ok, detail) => ({ check, ok, detail });
const versionAtMost = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return true;
};

/**
 * The checks of a macOS engine from the tools' output:
 * headers (`llvm-readobj --file-headers`), loadCommands (`llvm-objdump --macho --private-headers`),
 * exported (`llvm-nm -g --defined-only`), undefined (`llvm-nm -m -u`), minMacos (the declared floor).
 */
export function darwinChecks(platform, { headers, loadCommands, exported, undefinedSymbols, minMacos }) {
  const format = /^Format: (.*)$/m.exec(headers)?.[1]?.trim();
  const checks = [result('architecture', format === MACHO_ARCH[platform], `${format} (want ${MACHO_ARCH[platform]})`)];
  checks.push(result('dynamic library', /FileType: DynamicLibrary/.test(headers), 'MH_DYLIB'));
  checks.push(result('exports napi_register_module_v1', /\s_napi_register_module_v1$/m.test(exported), 'the Node-API entry point'));
  const unbound = undefinedSymbols
    .split('\n')
    .filter((line) => line.includes('(undefined)'))
    .filter((line) => !/\(from libSystem\)\s*$/.test(line) && !/ _(napi|node_api)_\w+\s*$/.test(line));
  const symbols = undefinedSymbols.split('\n').filter((line) => line.includes('(undefined)')).length;
  checks.push(
    result(
      'undefined symbols',
      unbound.length === 0,
      unbound.length ? `not from libSystem: ${unbound.map((l) => l.trim()).join('; ')}` : `${symbols} undefined, all from libSystem or Node-API`,
    ),
  );
  const dylibs = [...loadCommands.matchAll(/cmd LC_LOAD(?:_WEAK)?_DYLIB\n\s*cmdsize \d+\n\s*name (\S+)/g)].map((m) => m[1]);
  const foreign = dylibs.filter((d) => !MACOS_SYSTEM_DYLIBS.includes(d));
  checks.push(
    result('libraries', dylibs.length > 0 && foreign.length === 0, foreign.length ? `not a system library: ${foreign.join(', ')}` : dylibs.join(', ')),
  );
  const minos = /cmd LC_BUILD_VERSION[\s\S]*?minos (\S+)/.exec(loadCommands)?.[1];
  checks.push(result('minimum macOS', minos !== undefined && versionAtMost(minos, minMacos), `declares ${minos ?? 'none'} (want <= ${minMacos})`));
  const id = /cmd LC_ID_DYLIB\n\s*cmdsize \d+\n\s*name (\S+)/.exec(loadCommands)?.[1];
  checks.push(result('install name', id?.startsWith('@rpath/') === true, `${id ?? 'none'}`));
  return checks;
}

/** The checks of a Windows engine: headers (`llvm-readobj --file-headers`), exports (`--coff-exports`), imports (`llvm-objdump -p`). */
export function windowsChecks({ headers, exports, imports }) {
  const format = /^Format: (.*)$/m.exec(headers)?.[1]?.trim();
  const checks = [result('architecture', format === 'COFF-x86-64', `${format} (want COFF-x86-64)`)];
  checks.push(result('DLL', /IMAGE_FILE_DLL/.test(headers), 'IMAGE_FILE_DLL'));
  checks.push(result('exports napi_register_module_v1', /Name: napi_register_module_v1$/m.test(exports), 'the Node-API entry point'));
  const dlls = [...new Set([...imports.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]))];
  const foreign = dlls.filter((d) => !/^api-ms-win-/i.test(d) && !WINDOWS_SYSTEM_DLLS.includes(d.toLowerCase()));
  checks.push(result('imports', dlls.length > 0 && foreign.length === 0, foreign.length ? `not a system DLL: ${foreign.join(', ')}` : dlls.join(', ')));
  return checks;
}

/** rustup's LLVM tools (llvm-tools component), added when missing. */
function llvmTool(name) {
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const host = /host: (\S+)/.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1];
  const tool = join(sysroot, 'lib', 'rustlib', host, 'bin', name);
  if (!existsSync(tool)) execFileSync('rustup', ['component', 'add', 'llvm-tools'], { stdio: 'inherit' });
  return (...args) => execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}

export function checkEngine(file, platform) {
  const readobj = llvmTool('llvm-readobj');
  const objdump = llvmTool('llvm-objdump');
  if (platform.startsWith('darwin-')) {
    const nm = llvmTool('llvm-nm');
    const { MIN_MACOS } = createRequire(import.meta.url)(join(root, 'dist', 'native.js'));
    return darwinChecks(platform, {
      headers: readobj('--file-headers', file),
      loadCommands: objdump('--macho', '--private-headers', file),
      exported: nm('-g', '--defined-only', file),
      undefinedSymbols: nm('-m', '-u', file),
      minMacos: MIN_MACOS[platform],
    });
  }
  if (platform.startsWith('win32-')) {
    return windowsChecks({ headers: readobj('--file-headers', file), exports: readobj('--coff-exports', file), imports: objdump('-p', file) });
  }
  throw new Error(`engine-check: PLATFORM must be darwin-arm64, darwin-x64 or win32-x64-msvc (got ${platform})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, platform] = process.argv.slice(2);
  if (!file || !platform) {
    process.stderr.write('usage: node scripts/engine-check.mjs FILE PLATFORM\n');
    process.exit(2);
  }
  const checks = checkEngine(file, platform);
  for (const { check, ok, detail } of checks) process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${platform} ${check}: ${detail}\n`);
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

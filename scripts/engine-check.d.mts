// Types of scripts/engine-check.mjs, for its tests (test/engine-check.test.ts).
export interface EngineCheck {
  check: string;
  ok: boolean;
  detail: string;
}
export const MACOS_SYSTEM_DYLIBS: string[];
export const WINDOWS_SYSTEM_DLLS: string[];
export function darwinChecks(
  platform: string,
  tools: { headers: string; loadCommands: string; exported: string; undefinedSymbols: string; minMacos: string },
): EngineCheck[];
export function windowsChecks(tools: { headers: string; exports: string; imports: string }): EngineCheck[];
export function checkEngine(file: string, platform: string): EngineCheck[];

// ProcessPrng, the one function of bcryptprimitives.dll that Rust's standard library calls (Windows 10+).
// Debian 12's Wine 8.0 lacks the DLL (later Wines have it), so test/package/windows.sh builds this stand-in
// with zig into its Wine prefix. It fills the buffer from advapi32's RtlGenRandom (SystemFunction036).
// Test scaffolding only: real Windows supplies its own bcryptprimitives.dll.
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}

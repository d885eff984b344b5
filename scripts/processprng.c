/*
 * A one-function bcryptprimitives.dll for wine 8.0, which has no builtin
 * bcryptprimitives.dll at all. Rust >= 1.78 std and Go >= 1.22 runtimes import
 * ProcessPrng from it and fail to start without it. Built and installed into
 * the test prefix by scripts/wine-prefix.sh:
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll processprng.c \
 *       -ladvapi32 -Wl,--kill-at
 */
#include <windows.h>
#include <ntsecapi.h> /* RtlGenRandom = advapi32!SystemFunction036 */

/* Windows documents that ProcessPrng always returns TRUE; RtlGenRandom does
 * not fail under wine either, but report it if it ever does. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    while (cbData > 0) {
        ULONG chunk = cbData > 0x40000000 ? 0x40000000 : (ULONG)cbData;
        if (!RtlGenRandom(pbData, chunk))
            return FALSE;
        pbData += chunk;
        cbData -= chunk;
    }
    return TRUE;
}

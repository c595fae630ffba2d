/* Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library calls for
 * every random number on Windows (HashMap seeds, tempfile names). This one-function
 * stand-in answers from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * Test use only: never shipped with the app. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

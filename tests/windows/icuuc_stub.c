/* A stand-in for Windows' own icuuc.dll (System32 has it since Windows 10 1903), which Wine 8.0
 * lacks and Qt 6.11's Qt6Core.dll imports. Test-only: it goes into the Wine prefix's System32,
 * never into the app. Every converter is "not found", so Qt falls back to its built-in UTF-8,
 * UTF-16 and Latin-1 codecs, which are all the app uses.
 * Built by winebox.py with Debian's mingw-w64: x86_64-w64-mingw32-gcc -shared -o icuuc.dll */
#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4

EXPORT void *ucnv_open(const char *name, int *error)
{
    (void)name;
    if (error && *error <= 0)
        *error = U_FILE_ACCESS_ERROR;
    return 0;
}

/* Nothing below is reached without a converter; each answers "nothing". */
#define NOTHING(name) EXPORT long long name(void) { return 0; }
NOTHING(ucnv_close)
NOTHING(ucnv_reset)
NOTHING(ucnv_getMaxCharSize)
NOTHING(ucnv_getName)
NOTHING(ucnv_getToUCallBack)
NOTHING(ucnv_getFromUCallBack)
NOTHING(ucnv_setToUCallBack)
NOTHING(ucnv_setFromUCallBack)
NOTHING(ucnv_cbToUWriteUChars)
NOTHING(ucnv_cbFromUWriteUChars)
NOTHING(ucnv_toUnicode)
NOTHING(ucnv_fromUnicode)
NOTHING(ucnv_toUCountPending)
NOTHING(ucnv_fromUCountPending)
NOTHING(ucnv_getStandardName)
NOTHING(ucnv_getAvailableName)
NOTHING(ucnv_countAvailable)
NOTHING(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NOTHING(UCNV_TO_U_CALLBACK_SUBSTITUTE)

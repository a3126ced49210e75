#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry for programs with their own main (in clang's fuzzer runtime, which swiftc
   links with -sanitize=fuzzer). SwiftPM gives every executable its own main, so we call this. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/* test/fuzz/fuzz.h — what a fuzz target provides and what the driver gives it. A target is libFuzzer's entry
 * point (so the same file links with clang's -fsanitize=fuzzer when that is installed) plus the seed inputs it
 * starts from; test/fuzz/driver.c is the plain-C driver: a deterministic seeded mutator. */
#ifndef SKIFF_FUZZ_H
#define SKIFF_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_INPUT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* 0; anything wrong crashes (sanitizers) */
void fuzz_make_seeds(void);                                    /* calls fuzz_add_seed for each seed input */
void fuzz_add_seed(const void *data, size_t size);             /* the driver's */
extern const char fuzz_target_name[];
#endif

/* test/fuzz/lf_seeds.c — for the libFuzzer builds: fuzz_add_seed is the plain driver's; under libFuzzer the
 * seeds come from the corpus directory the plain driver wrote (-w), so the target's calls go nowhere. */
#include "fuzz.h"
void fuzz_add_seed(const void *data, size_t size) { (void)data; (void)size; }

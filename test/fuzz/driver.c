/* test/fuzz/driver.c — the plain-C fuzz driver: starts from the target's seed inputs (and any -f files),
 * mutates a copy with 1 to 16 stacked mutations drawn from a xorshift generator (bit flips, random and
 * "interesting" bytes and integers, ASCII hex fields, cuts, inserts, copies, splices), and feeds each to the
 * target, built with AddressSanitizer and UBSan (a bad read or undefined behaviour aborts). Everything follows
 * from the seed: `-s S -n N` reproduces a run exactly. On a crash the input is saved as
 * DIR/crash-TARGET-SEED-ITER (-c DIR, default .) and the seed and iteration are printed; put the file under
 * test/fuzz/corpus/TARGET/ and every run replays it.
 *
 *   fuzz_T [-s SEED] [-n ITERATIONS | -t SECONDS] [-f SEEDFILE]... [-c CRASHDIR] [-w SEEDDIR] [-r FILE...]
 *   -w writes the seed inputs into SEEDDIR (a starting corpus for libFuzzer) and exits; -r replays files. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

#define MAX_SEEDS 64

static struct { uint8_t *d; size_t n; } seeds[MAX_SEEDS];
static int nseeds;
static uint8_t cur[FUZZ_MAX_INPUT];
static size_t cur_len;
static unsigned long long cur_seed, cur_iter;
static const char *crash_dir = ".";
static uint64_t rng;

void fuzz_add_seed(const void *data, size_t size)
{
    if (nseeds == MAX_SEEDS || size > FUZZ_MAX_INPUT)
        return;
    seeds[nseeds].d = malloc(size ? size : 1);
    memcpy(seeds[nseeds].d, data, size);
    seeds[nseeds++].n = size;
}

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t below(size_t n) { return n ? next() % n : 0; }

/* The input that crashed, for the record (async-signal-safe: open and write only). */
static void save_crash(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/crash-%s-%llu-%llu", crash_dir, fuzz_target_name, cur_seed, cur_iter);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, cur, cur_len);
        (void)w;
        close(fd);
    }
    fprintf(stderr, "fuzz %s: CRASH at seed %llu iteration %llu; input saved as %s\n", fuzz_target_name, cur_seed,
            cur_iter, path);
}

void __asan_on_error(void);
void __asan_on_error(void) { save_crash(); }

static void on_fatal(int sig)
{
    save_crash();
    signal(sig, SIG_DFL);
    raise(sig);
}

static const uint64_t interesting[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
                                        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
                                        0x8000000000000000ull, ~0ull, 4095, 4096, 4097, 64, 56, 110 };
static const char *const hexes[] = { "00000000", "FFFFFFFF", "7FFFFFFF", "80000000", "0000FFFF", "00001000",
                                     "0000006E", "00000001", "0001FFFF", "000041ED", "0000A1FF", "zzzzzzzz" };

static void mutate_once(void)
{
    size_t n = cur_len;
    switch (below(10)) {
    case 0: /* flip a bit */
        if (n)
            cur[below(n)] ^= (uint8_t)(1u << below(8));
        break;
    case 1: /* a random byte */
        if (n)
            cur[below(n)] = (uint8_t)next();
        break;
    case 2: { /* an interesting integer, 1/2/4/8 bytes little-endian */
        size_t w = (size_t)1 << below(4);
        if (n >= w) {
            uint64_t v = interesting[below(sizeof interesting / sizeof interesting[0])];
            if (next() & 1)
                v = -v;
            memcpy(cur + below(n - w + 1), &v, w);
        }
        break;
    }
    case 3: /* an ASCII hex field (cpio newc headers) */
        if (n >= 8) {
            const char *h = hexes[below(sizeof hexes / sizeof hexes[0])];
            memcpy(cur + below(n - 7), h, 8);
        }
        break;
    case 4: /* cut the end */
        cur_len = below(n + 1);
        break;
    case 5: { /* delete a chunk */
        size_t at = below(n + 1), len = below(n - at + 1) % 256;
        memmove(cur + at, cur + at + len, n - at - len);
        cur_len -= len;
        break;
    }
    case 6: { /* insert random bytes */
        size_t len = 1 + below(64), at = below(n + 1);
        if (n + len > FUZZ_MAX_INPUT)
            break;
        memmove(cur + at + len, cur + at, n - at);
        for (size_t i = 0; i < len; i++)
            cur[at + i] = (uint8_t)next();
        cur_len += len;
        break;
    }
    case 7: { /* copy a chunk over another place */
        if (!n)
            break;
        size_t from = below(n), to = below(n), len = 1 + below(128);
        if (from + len > n)
            len = n - from;
        if (to + len > n)
            len = n - to;
        memmove(cur + to, cur + from, len);
        break;
    }
    case 8: { /* splice: the tail of another seed from some point on */
        int s = (int)below(nseeds);
        size_t at = below(n + 1), from = below(seeds[s].n + 1), len = seeds[s].n - from;
        if (at + len > FUZZ_MAX_INPUT)
            len = FUZZ_MAX_INPUT - at;
        memcpy(cur + at, seeds[s].d + from, len);
        cur_len = at + len;
        break;
    }
    default: /* a small step up or down */
        if (n)
            cur[below(n)] += (uint8_t)(below(33) - 16);
        break;
    }
}

static void make_input(void)
{
    int s = (int)below(nseeds);
    memcpy(cur, seeds[s].d, seeds[s].n);
    cur_len = seeds[s].n;
    int k = 1 << below(5);
    for (int i = 0; i < k; i++)
        mutate_once();
}

/* Each input sits in a heap block of exactly its length, so a read one past it is caught. */
static void run_one(const uint8_t *d, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, d, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
}

static int read_file(const char *path, uint8_t *buf, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    *n = fread(buf, 1, FUZZ_MAX_INPUT, f);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long iters = 10000, secs = 0;
    const char *seed_dir = NULL;
    int replay = 0, opt;
    cur_seed = 1;
    while ((opt = getopt(argc, argv, "s:n:t:f:c:w:r")) != -1) {
        switch (opt) {
        case 's': cur_seed = strtoull(optarg, NULL, 0); break;
        case 'n': iters = strtoull(optarg, NULL, 0); break;
        case 't': secs = strtoull(optarg, NULL, 0); break;
        case 'f':
            if (read_file(optarg, cur, &cur_len) == 0)
                fuzz_add_seed(cur, cur_len);
            break;
        case 'c': crash_dir = optarg; break;
        case 'w': seed_dir = optarg; break;
        case 'r': replay = 1; break;
        default:
            fprintf(stderr, "usage: %s [-s SEED] [-n N | -t SECONDS] [-f SEEDFILE]... [-c DIR] [-w DIR] [-r FILE...]\n",
                    argv[0]);
            return 2;
        }
    }
    signal(SIGSEGV, on_fatal);
    signal(SIGABRT, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGILL, on_fatal);
    if (replay) {
        int n = 0;
        for (int i = optind; i < argc; i++, n++) {
            cur_iter = (unsigned long long)n;
            if (read_file(argv[i], cur, &cur_len)) {
                fprintf(stderr, "fuzz %s: cannot read %s\n", fuzz_target_name, argv[i]);
                return 1;
            }
            run_one(cur, cur_len);
        }
        printf("fuzz %s: %d inputs replayed\n", fuzz_target_name, n);
        return 0;
    }
    fuzz_make_seeds();
    if (seed_dir) {
        for (int i = 0; i < nseeds; i++) {
            char path[512];
            snprintf(path, sizeof path, "%s/seed-%d", seed_dir, i);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(seeds[i].d, 1, seeds[i].n, f) != seeds[i].n)
                return 1;
            fclose(f);
        }
        return 0;
    }
    if (!nseeds)
        fuzz_add_seed("", 0);
    rng = 0x9e3779b97f4a7c15ull ^ (cur_seed * 0xbf58476d1ce4e5b9ull);
    if (!rng)
        rng = 1;
    for (int i = 0; i < nseeds; i++) /* the seeds themselves first */
        run_one(seeds[i].d, seeds[i].n);
    time_t end = time(NULL) + (time_t)secs;
    for (cur_iter = 0; secs ? (cur_iter % 256 || time(NULL) < end) : cur_iter < iters; cur_iter++) {
        make_input();
        run_one(cur, cur_len);
    }
    printf("fuzz %s: seed %llu, %llu inputs, no crash\n", fuzz_target_name, cur_seed, cur_iter);
    return 0;
}

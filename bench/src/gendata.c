/* bench/src/gendata.c — deterministic input for the SMP rows (bench/smp.sh), a host tool:
 *   gendata text BYTES   English-like text from a fixed vocabulary of 4,096 pseudo-words, with numbers
 *                        (compresses about 3:1 with xz -6: real work, not a run of repeats)
 *   gendata lines N      N lines of a few pseudo-words and a number each, in no order (for sort)
 * The same bytes on every run and every machine: a xorshift64 generator with a fixed seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned long long rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define NWORDS 4096
static char words[NWORDS][12];

static void make_words(void)
{
    for (int i = 0; i < NWORDS; i++) {
        int n = 2 + (int)(rng() % 9);
        for (int j = 0; j < n; j++)
            words[i][j] = (char)('a' + rng() % 26);
        words[i][n] = 0;
    }
}

/* A word, the frequent ones more often (a skewed pick, as in real text). */
static const char *word(void)
{
    unsigned long long r = rng();
    return words[(r % NWORDS) & ((r >> 40) % 2 ? 0x3ff : 0xfff)];
}

static int text(long long bytes)
{
    long long out = 0;
    while (out < bytes) {
        char line[160];
        int n = 0, nw = 5 + (int)(rng() % 8);
        for (int i = 0; i < nw; i++)
            n += snprintf(line + n, sizeof line - (size_t)n, "%s%s", i ? " " : "", word());
        if (rng() % 4 == 0)
            n += snprintf(line + n, sizeof line - (size_t)n, " %llu", rng() % 100000);
        line[n++] = '\n';
        if (out + n > bytes)
            n = (int)(bytes - out);
        fwrite(line, 1, (size_t)n, stdout);
        out += n;
    }
    return 0;
}

static int lines(long long count)
{
    for (long long i = 0; i < count; i++) {
        const char *a = word(), *b = word();
        printf("%s %s %llu\n", a, b, rng() % 1000000000ull);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gendata text BYTES | gendata lines N\n");
        return 2;
    }
    make_words();
    long long n = atoll(argv[2]);
    if (!strcmp(argv[1], "text"))
        return text(n);
    if (!strcmp(argv[1], "lines"))
        return lines(n);
    fprintf(stderr, "gendata: unknown kind %s\n", argv[1]);
    return 2;
}

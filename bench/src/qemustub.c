/* bench/src/qemustub.c — a stand-in for qemu-system-x86_64 (SKIFF_QEMU) that boots nothing: it writes one byte
 * to the chardev with id s1 (COM1, which tools/skiff relays to its stdout) and `exit 0` to s4 (the control
 * port), as the kernel would for a program that exits 0, and exits. Under bench/src/tstamp, the first byte of
 * `tools/skiff run` then marks when the CLI had QEMU running: the CLI's own time (row boot.hello.cli.own). A
 * host program, not a guest one. */
#include <stdio.h>
#include <string.h>

static void put(const char *arg, const char *id, const char *text)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "file,id=%s,path=", id);
    size_t n = strlen(prefix);
    if (strncmp(arg, prefix, n))
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s", arg + n);
    char *comma = strchr(path, ','); /* ",append=on" */
    if (comma)
        *comma = 0;
    FILE *f = fopen(path, "a");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "-chardev")) {
            put(argv[i + 1], "s1", "x");
            put(argv[i + 1], "s4", "exit 0\n");
        }
    }
    return 0;
}

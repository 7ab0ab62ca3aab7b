/* tools/cli/finish.c — skiff's exit status from how the VM ended (tools/skiff.sh's finish): the N of the
 * kernel's last `exit N` line on the control port (COM4), with "the kernel panicked" and the kernel log's last
 * lines for a 125 the kernel did not explain with an "error" line; 124 after --timeout; 137 when QEMU had to be
 * killed; else 125, with what QEMU said. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "re");
    char *buf = NULL;
    *len = 0;
    if (!fp)
        return NULL;
    FILE *m = open_memstream(&buf, len);
    char b[65536];
    size_t n;
    while ((n = fread(b, 1, sizeof b, fp)) > 0)
        fwrite(b, 1, n, m);
    fclose(fp);
    fclose(m);
    return buf;
}

/* The N of the last `exit N` line on COM4 (carriage returns out), -1 if none; *error: an "error" line. */
static long exit_status(struct run *r, bool *error)
{
    size_t len;
    char *p = xasprintf("%s/control", r->work), *s = slurp(p, &len);
    free(p);
    long n = -1;
    *error = false;
    if (!s)
        return -1;
    size_t j = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\r')
            s[j++] = s[i];
    s[j] = 0;
    for (char *line = s, *next; line && line < s + j; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!strcmp(line, "error"))
            *error = true;
        size_t e = strlen(line);
        while (e && strchr(" \t\v\f", line[e - 1]))
            e--;
        size_t d = e;
        while (d && line[d - 1] >= '0' && line[d - 1] <= '9')
            d--;
        if (d < e && d >= 5 && !strncmp(line + d - 5, "exit ", 5)) {
            char *end;
            unsigned long v = strtoul(line + d, &end, 10);
            n = e - d > 9 || v > 255 ? 256 : (long)v;
        }
    }
    free(s);
    return n;
}

/* Lines of a file with "  | " before each (the last n; those matching skip left out). False if none. */
static bool show_lines(const char *path, int last, const char *skip, const char *title)
{
    size_t len;
    char *s = slurp(path, &len);
    if (!s || !len) {
        free(s);
        return false;
    }
    while (skip && len && s[len - 1] == '\n') /* $(...) drops the final newlines */
        s[--len] = 0;
    char **lines = NULL;
    size_t n = 0;
    for (char *l = s, *nl; l < s + len; l = nl) {
        nl = memchr(l, '\n', s + len - l);
        nl = nl ? nl + 1 : s + len;
        if (skip) {
            char *t = strndup(l, nl - l);
            bool drop = strstr(t, skip) != NULL;
            free(t);
            if (drop)
                continue;
        }
        lines = realloc(lines, (n + 1) * sizeof(*lines));
        lines[n++] = l;
    }
    size_t from = last && n > (size_t)last ? n - last : 0;
    if (n)
        cli_msg("%s", title);
    for (size_t i = from; i < n; i++) {
        char *end = memchr(lines[i], '\n', s + len - lines[i]);
        size_t l = end ? (size_t)(end - lines[i]) : (size_t)(s + len - lines[i]);
        fprintf(stderr, "  | %.*s%s", (int)l, lines[i], end || skip ? "\n" : "");
    }
    free(lines);
    free(s);
    return n > 0;
}

static void klog_tail(struct run *r)
{
    if (r->verbose || r->strace)
        return;
    char *p = xasprintf("%s/klog", r->work);
    show_lines(p, 25, NULL, "last lines of the kernel log:");
    free(p);
}

static void qemu_errors(struct run *r)
{
    char *p = xasprintf("%s/qemu.err", r->work);
    show_lines(p, 0, "terminating on signal", "QEMU said:"); /* our own SIGTERM is no news */
    free(p);
}

_Noreturn void vm_finish(struct run *r, const struct vm_ending *e)
{
    if (e->stop_killed) {
        const char *name = e->stop_sig == SIGINT ? "SIGINT" : e->stop_sig == SIGQUIT ? "SIGQUIT" : "SIGTERM";
        cli_msg("the program did not end within %s s of %s: killed with SIGKILL", r->stop_timeout, name);
    }
    bool error;
    long n = exit_status(r, &error);
    if (e->qemu_killed && n < 0) {
        cli_msg("the VM did not stop after SIGKILL: QEMU killed");
        klog_tail(r);
        cli_exit(137);
    }
    if (n >= 0 && n <= 255) {
        if (n == EX_FAIL && !error) { /* after an "error" line the kernel said why on stderr */
            cli_msg("the kernel panicked");
            klog_tail(r);
        }
        if (r->verbose)
            qemu_errors(r);
        cli_exit((int)n);
    }
    if (r->timeout && (e->qstatus == 124 || e->qstatus == 137)) {
        cli_msg("timed out after %s seconds", r->timeout);
        qemu_errors(r);
        klog_tail(r);
        cli_exit(EX_TIMEOUT);
    }
    cli_msg("the VM ended without an exit status (qemu status %d)", e->qstatus);
    qemu_errors(r);
    klog_tail(r);
    cli_exit(EX_FAIL);
}

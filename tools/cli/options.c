/* tools/cli/options.c — `skiff run`'s options, checked as tools/skiff.sh checks them, in the same order and with
 * the same messages: each option as it comes (--port and -v at once), then what depends on several. --iso and
 * --initrd are the shell implementation's (cli_fallback); so is a packed --rootfs (SKIFF_LIVE_ROOTFS=0). */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

void strv_add(struct strv *s, const char *str)
{
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (!s->v)
            cli_fail(EX_FAIL, "out of memory");
    }
    s->v[s->n++] = xstrdup(str);
    s->v[s->n] = NULL;
}

void strv_addf(struct strv *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *str;
    if (vasprintf(&str, fmt, ap) < 0)
        cli_fail(EX_FAIL, "out of memory");
    va_end(ap);
    strv_add(s, str);
    free(str);
}

static bool all_in(const char *s, const char *set)
{
    return s[strspn(s, set)] == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* --mem: QEMU's size syntax, a number with an optional k/M/G/T (MiB without one). Below 3 MiB the firmware and
 * the kernel cannot both fit: say so instead of letting the VM hang. */
static void opt_mem(struct run *r, const char *v)
{
    if (!*v || !all_in(v, "0123456789kKmMgGtT") || strchr("kKmMgGtT", v[0]))
        cli_usage_error("--mem: a size like 64M or 1G, please");
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (end[0] && end[1])
        cli_usage_error("--mem: expected a size like 128M, got '%s'", v);
    int shift = !*end ? 10 : strchr("kK", *end) ? 0 : strchr("mM", *end) ? 10 : strchr("gG", *end) ? 20 : 30;
    r->mem = v;
    r->mem_kib = n > (1ull << 40) ? LONG_MAX : (long)(n << shift);
    if (r->mem_kib < 3072)
        cli_usage_error("--mem %s is too small: skiff needs at least 3M", v);
}

/* --port [ADDR:]HOST:GUEST: appended to hostfwds as QEMU's ",hostfwd=tcp:ADDR:HOST-:GUEST". */
static bool ipv4_shape(const char *a)
{
    for (int part = 0; part < 4; part++) {
        size_t n = strspn(a, "0123456789");
        if (n < 1 || n > 3)
            return false;
        a += n;
        if (part < 3 && *a++ != '.')
            return false;
    }
    return *a == 0;
}

static void opt_port(struct run *r, const char *spec)
{
    const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    char *addr, *rest;
    if (c2) {
        addr = strndup(spec, c1 - spec);
        rest = xstrdup(c1 + 1);
    } else {
        addr = xstrdup("127.0.0.1");
        rest = xstrdup(spec);
    }
    char *colon = strchr(rest, ':');
    if (!colon)
        cli_usage_error("--port: expected [ADDR:]HOST_PORT:GUEST_PORT, got '%s'", spec);
    *colon = 0;
    const char *ports[2] = { rest, colon + 1 };
    if (!ipv4_shape(addr))
        cli_usage_error("--port: '%s' is not an IPv4 address like 127.0.0.1", addr);
    for (int i = 0; i < 2; i++) {
        const char *p = ports[i];
        if (!*p || !all_in(p, "0123456789") || p[0] == '0' || strlen(p) > 5 || atol(p) > 65535)
            cli_usage_error("--port: '%s' is not a port number (1-65535) in '%s'", p, spec);
    }
    char *f = xasprintf("%s,hostfwd=tcp:%s:%s-:%s", r->hostfwds ? r->hostfwds : "", addr, ports[0], ports[1]);
    bool any = !strcmp(addr, "0.0.0.0");
    if ((any || !strcmp(addr, "127.0.0.1")) && r->nport6 < (int)(sizeof r->port6 / sizeof *r->port6))
        r->port6[r->nport6++] = (struct port6){ (int)atol(ports[0]), any };
    free(r->hostfwds);
    r->hostfwds = f;
    free(addr);
    free(rest);
}

/* The guest path of -v spelt one way (/a//b/ is /a/b; the script's sed: /./ -> /, a final /. off, runs of /
 * squeezed, a final / off), so that nested volumes sort parent first. */
static char *norm_guest(const char *g)
{
    size_t n = strlen(g);
    char *a = xmalloc(n + 1), *b = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        if (!strncmp(g + i, "/./", 3)) {
            a[j++] = '/';
            i += 3;
        } else {
            a[j++] = g[i++];
        }
    }
    a[j] = 0;
    if (j >= 2 && !strcmp(a + j - 2, "/."))
        a[j -= 2] = 0;
    j = 0;
    for (size_t i = 0; a[i]; i++)
        if (!(a[i] == '/' && j > 0 && b[j - 1] == '/'))
            b[j++] = a[i];
    b[j] = 0;
    if (j >= 2 && b[j - 1] == '/')
        b[j - 1] = 0;
    free(a);
    return b;
}

static void opt_volume(struct run *r, const char *spec)
{
    const char *on = getenv("SKIFF_VOLUMES");
    if (on && *on && strcmp(on, "1"))
        cli_fail(EX_FAIL, "-v: host volumes are not in this build yet (SKIFF_VOLUMES=0): nothing would reach the host");
    char *s = xstrdup(spec);
    const char *mode = "rw";
    if (strpbrk(s, "\n\t"))
        cli_usage_error("-v: paths with newlines or tabs are not supported");
    if (ends_with(s, ":ro")) {
        mode = "ro";
        s[strlen(s) - 3] = 0;
    } else if (ends_with(s, ":rw")) {
        s[strlen(s) - 3] = 0;
    }
    bool shaped = false; /* ?*:?* : some colon with something on both sides */
    for (size_t i = 1; s[i] && !shaped; i++)
        shaped = s[i] == ':' && s[i + 1];
    if (!shaped)
        cli_usage_error("-v: expected HOST:GUEST[:ro], got '%s'", spec);
    char *colon = strrchr(s, ':');
    *colon = 0;
    const char *host = s, *guest = colon + 1;
    if (guest[0] != '/')
        cli_usage_error("-v: the guest path must be absolute, got '%s' in '%s'", guest, spec);
    if (has_dotdot(guest))
        cli_usage_error("-v: the guest path must not contain '..': %s", guest);
    char *g = norm_guest(guest);
    if (!*g) {
        free(g);
        g = xstrdup("/");
    }
    if (!strcmp(g, "/"))
        cli_usage_error("-v: cannot share a volume at /: use --rootfs DIR");
    if (!strcmp(g, "/.skiff") || !strncmp(g, "/.skiff/", 8))
        cli_usage_error("-v: /.skiff is skiff's own");
    struct stat st;
    if (stat(host, &st) != 0)
        cli_fail(EX_FAIL, "-v: %s: No such file or directory", host);
    if (!S_ISDIR(st.st_mode))
        cli_fail(EX_FAIL, "-v: %s: Not a directory", host);
    char *abs = realpath(host, NULL);
    if (!abs)
        cli_fail(EX_FAIL, "-v: %s: cannot enter the directory", host);
    if (strpbrk(abs, "\n\t"))
        cli_usage_error("-v: paths with newlines or tabs are not supported");
    for (int i = 0; i < r->nvols; i++)
        if (!strcmp(r->vols[i].guest, g))
            cli_usage_error("-v: two volumes at %s", g);
    if (r->nvols >= (int)(sizeof r->vols / sizeof *r->vols) - 1)
        cli_usage_error("-v: too many volumes");
    r->vols[r->nvols] = (struct volume){ xasprintf("skiffv%d", r->nvols), abs, g, (char *)mode };
    r->nvols++;
}

static void opt_env(struct run *r, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        cli_usage_error("--env: expected K=V, got '%s'", kv);
    if (eq == kv)
        cli_usage_error("--env: empty name in '%s'", kv);
    strv_add(&r->env_user, kv);
    char *k = strndup(kv, eq - kv);
    strv_add(&r->env_keys, k);
    free(k);
}

bool env_user_has(const struct run *r, const char *key)
{
    for (size_t i = 0; i < r->env_keys.n; i++)
        if (!strcmp(r->env_keys.v[i], key))
            return true;
    return false;
}

/* The guest's PATH: the last --env PATH=..., if not empty, else the default. */
const char *guest_env_path(const struct run *r)
{
    const char *p = NULL;
    for (size_t i = 0; i < r->env_user.n; i++)
        if (!strncmp(r->env_user.v[i], "PATH=", 5))
            p = r->env_user.v[i] + 5;
    return p && *p ? p : DEFAULT_ENV_PATH;
}

static bool seconds_ok(const char *s)
{
    return *s && all_in(s, "0123456789.") && s[0] != '.' && s[strlen(s) - 1] != '.' &&
           (!strchr(s, '.') || !strchr(strchr(s, '.') + 1, '.'));
}

/* --cpus' value, or SKIFF_CPUS' (named in the message): 1 to 16. */
static int opt_cpus(const char *what, const char *v)
{
    if (!*v || !all_in(v, "0123456789") || strlen(v) > 2 || atoi(v) < 1 || atoi(v) > 16)
        cli_usage_error("%s: a number of CPUs from 1 to 16, got '%s'", what, v);
    return atoi(v);
}

static const char *const with_value[] = { "--rootfs", "--initrd", "--add", "--env", "--mem", "--accel",
                                          "--timeout", "--stop-timeout", "--kernel", "--workdir", "--kernel-arg",
                                          "--firmware", "--port", "--volume", "--machine", "--user", "--cpus",
                                          NULL };

static bool takes_value(const char *opt)
{
    for (int i = 0; with_value[i]; i++)
        if (!strcmp(opt, with_value[i]))
            return true;
    return !strcmp(opt, "-v");
}

/* One option with its value v (NULL for a flag); false for the end of the options. */
static void opt_one(struct run *r, const char *o, const char *v, bool *machine_given)
{
    if (!strcmp(o, "--rootfs")) {
        r->rootfs = v;
        r->rootfs_rw = false;
        struct stat st;
        size_t n = strlen(v);
        if (!(stat(v, &st) == 0 && S_ISDIR(st.st_mode)) && n > 3 && (ends_with(v, ":rw") || ends_with(v, ":ro"))) {
            r->rootfs_rw = ends_with(v, ":rw"); /* DIR:rw (a directory really named so wins); :ro the default */
            r->rootfs = strndup(v, n - 3);
        }
    } else if (!strcmp(o, "--initrd")) {
        cli_fallback("--initrd");
    } else if (!strcmp(o, "--add")) {
        if (strchr(v, '\n'))
            cli_usage_error("--add: paths with newlines are not supported");
        strv_add(&r->adds, v);
    } else if (!strcmp(o, "--env")) {
        opt_env(r, v);
    } else if (!strcmp(o, "--mem")) {
        opt_mem(r, v);
    } else if (!strcmp(o, "--accel")) {
        r->accel = v;
    } else if (!strcmp(o, "--cpus")) {
        r->cpus = opt_cpus("--cpus", v);
    } else if (!strcmp(o, "--timeout")) {
        r->timeout = v;
    } else if (!strcmp(o, "--stop-timeout")) {
        r->stop_timeout = v;
    } else if (!strcmp(o, "--kernel")) {
        r->kernel = v;
    } else if (!strcmp(o, "--kernel-arg")) {
        if (!*v || !all_in(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_=.,:/-"))
            cli_usage_error("--kernel-arg: one word of letters, digits and _=.,:/- please");
        char *k = xasprintf("%s %s", r->kernel_args, v);
        r->kernel_args = k;
    } else if (!strcmp(o, "--workdir")) {
        r->workdir = v;
    } else if (!strcmp(o, "--user")) { /* resolved by the kernel against the guest's /etc/passwd (user=) */
        const char *c = strchr(v, ':');
        if (!*v || v[0] == ':' || ends_with(v, ":") || (c && strchr(c + 1, ':')) ||
            !all_in(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-"))
            cli_usage_error("--user: expected USER[:GROUP] (names or numbers), got '%s'", v);
        r->kernel_args = xasprintf("%s user=%s", r->kernel_args, v);
    } else if (!strcmp(o, "--no-cache")) {
        r->no_cache = true;
    } else if (!strcmp(o, "--no-runtime-libs")) {
        r->no_runtime_libs = true;
    } else if (!strcmp(o, "--firmware")) {
        if (strcmp(v, "auto") && strcmp(v, "seabios") && strcmp(v, "qboot"))
            cli_usage_error("--firmware: auto, seabios or qboot");
        r->firmware = v;
    } else if (!strcmp(o, "--machine")) {
        if (strcmp(v, "pc") && strcmp(v, "q35") && strcmp(v, "microvm"))
            cli_usage_error("--machine: pc, q35 or microvm");
        r->machine = v;
        *machine_given = true;
    } else if (!strcmp(o, "--net")) {
        r->net = true;
    } else if (!strcmp(o, "--allow-host")) {
        r->net = r->allow_host = true;
    } else if (!strcmp(o, "--port")) {
        opt_port(r, v);
        r->net = true;
    } else if (!strcmp(o, "-v") || !strcmp(o, "--volume")) {
        opt_volume(r, v);
    } else if (!strcmp(o, "--strace")) {
        r->strace = true;
    } else if (!strcmp(o, "--verbose")) {
        r->verbose = true;
    } else if (!strcmp(o, "--iso")) {
        cli_fallback("--iso");
    } else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
        cli_usage(1);
        cli_exit(0);
    } else {
        cli_usage_error("unknown option: %s", o);
    }
}

static void opt_check(struct run *r, bool machine_given)
{
    (void)machine_given; /* --iso (the one it matters for) is the shell implementation's */
    if (strcmp(r->machine, "pc") && strcmp(r->machine, "q35") && strcmp(r->machine, "microvm"))
        cli_usage_error("SKIFF_MACHINE: pc, q35 or microvm, not '%s'", r->machine);
    if (!r->cpus) { /* SKIFF_CPUS: the default --cpus, so that a whole test suite runs at N CPUs */
        const char *c = getenv("SKIFF_CPUS");
        r->cpus = c && *c ? opt_cpus("SKIFF_CPUS", c) : 1;
    }
    if (!strcmp(r->accel, "auto"))
        r->accel = "tcg"; /* kvm is not yet known to work with skiff */
    else if (strcmp(r->accel, "tcg") && strcmp(r->accel, "kvm"))
        cli_usage_error("--accel: expected tcg, kvm or auto, got '%s'", r->accel);
    if (r->mem && r->mem[0] == '0')
        cli_usage_error("--mem: expected a size like 128M, got '%s'", r->mem);
    if (r->timeout && !seconds_ok(r->timeout))
        cli_usage_error("--timeout: expected seconds, got '%s'", r->timeout);
    if (!seconds_ok(r->stop_timeout))
        cli_usage_error("--stop-timeout: expected seconds, got '%s'", r->stop_timeout);
    if (r->workdir && r->workdir[0] && r->workdir[0] != '/')
        cli_usage_error("--workdir: expected an absolute guest path, got '%s'", r->workdir);
    if (r->workdir && strchr(r->workdir, '\n'))
        cli_usage_error("--workdir: paths with newlines are not supported");
    if (r->workdir && !r->workdir[0])
        r->workdir = NULL;
}

void opt_parse_run(struct run *r, int argc, char **argv)
{
    const char *m = getenv("SKIFF_MACHINE");
    r->machine = m && *m ? m : "microvm"; /* the default --machine: no PCI bus to scan, no firmware tables */
    r->accel = "auto";
    r->cpus = 0; /* none given: SKIFF_CPUS or 1 (opt_check) */
    r->firmware = "auto";
    r->stop_timeout = "10";
    r->kernel_args = "";
    bool machine_given = false;
    int i = 0;
    while (i < argc) {
        const char *a = argv[i];
        char *eq = a[0] == '-' && a[1] == '-' ? strchr(a, '=') : NULL;
        if (eq) { /* --opt=value is the same as --opt value */
            char *o = strndup(a, eq - a);
            if (takes_value(o) && strcmp(o, "-v")) {
                opt_one(r, o, eq + 1, &machine_given);
                i++;
                continue;
            }
            free(o);
        }
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (a[0] != '-')
            break;
        if (takes_value(a)) {
            if (i + 1 >= argc)
                cli_usage_error("option %s needs an argument", a);
            opt_one(r, a, argv[i + 1], &machine_given);
            i += 2;
        } else {
            opt_one(r, a, NULL, &machine_given);
            i++;
        }
    }
    if (i >= argc)
        cli_usage_error("run: missing PROGRAM");
    r->argc = argc - i;
    r->argv = argv + i;
    opt_check(r, machine_given);
}

/* tools/cli/runtime.c — the runtimes' libraries: python3, perl, ruby, lua, tclsh and node find their libraries
 * (python's encodings, perl's List::Util, ruby's json) in directories they were built to search. The host's own
 * runtime, the same file, is asked for that search path, in the environment the guest gets (no PYTHONPATH,
 * PERL5LIB, RUBYLIB), and the directories of it that exist are packed, with the libraries their ELF modules
 * load; not the user's own (under $HOME, the current directory), not the site directories python adds (-S),
 * not a whole /usr/lib, and not one above RUNTIME_DIR_MAX_KIB (a warning says to --add it). As tools/skiff.sh's
 * plan_runtime; the one process it starts per runtime is the runtime itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

#define RUNTIME_DIR_MAX_KIB 131072
#define RUNTIME_ASK_SECONDS 30

enum kind { NONE, PYTHON, PERL, RUBY, LUA, TCL, NODE };

static enum kind kind_of(const char *file)
{
    static const struct {
        const char *glob;
        enum kind kind;
    } names[] = { { "python3", PYTHON }, { "python3.[0-9]", PYTHON }, { "python3.[0-9][0-9]", PYTHON },
                  { "perl", PERL }, { "perl5.*", PERL }, { "ruby", RUBY }, { "ruby[0-9]*", RUBY }, { "lua", LUA },
                  { "lua5.[0-9]", LUA }, { "luajit", LUA }, { "luajit-*", LUA }, { "tclsh", TCL },
                  { "tclsh[0-9]*", TCL }, { "node", NODE }, { "nodejs", NODE } };
    const char *b = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (fnmatch(names[i].glob, b, 0) == 0)
            return names[i].kind;
    return NONE;
}

/* Runs the host runtime as the guest would (a fixed environment, a time limit); its stdout, or NULL. */
static char *ask(const char *file, enum kind k)
{
    static const char tcl[] = "puts [info library]\nforeach d $auto_path { puts $d }\nexit\n";
    const char *code[] = { [PYTHON] = "import sys; print(\"\\n\".join(sys.path))",
                           [PERL] = "print \"$_\\n\" for @INC",
                           [RUBY] = "puts $LOAD_PATH; puts Gem.default_specifications_dir if defined?(Gem)",
                           [LUA] = "print(package.path) print(package.cpath)",
                           [NODE] = "console.log(require(\"module\").globalPaths.join(\"\\n\"))" };
    char *argv[8] = { (char *)file };
    int n = 1;
    if (k == PYTHON) {
        argv[n++] = "-I";
        argv[n++] = "-S";
        argv[n++] = "-c";
    } else if (k != TCL) {
        argv[n++] = "-e";
    }
    if (k != TCL)
        argv[n++] = (char *)code[k];
    char *env[] = { "PATH=" DEFAULT_ENV_PATH, "HOME=/nonexistent", "LANG=C.UTF-8", NULL };
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
        return NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, file, &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (k == TCL && !e && write(in[1], tcl, sizeof tcl - 1) < 0) {
        /* it ended already: its output says what it knows */
    }
    close(in[1]);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (bool done = e != 0; !done;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = (RUNTIME_ASK_SECONDS - (t.tv_sec - t0.tv_sec)) * 1000;
        struct pollfd p = { out[0], POLLIN, 0 };
        char b[4096];
        ssize_t got = left > 0 && poll(&p, 1, left) > 0 ? read(out[0], b, sizeof b) : -2;
        if (got > 0)
            fwrite(b, 1, got, m);
        else if (got == -2) /* timeout(1)'s SIGTERM */
            kill(pid, SIGTERM);
        done = got == 0 || got == -2 || (got < 0 && errno != EINTR);
    }
    close(out[0]);
    if (!e)
        waitpid(pid, NULL, 0);
    fclose(m);
    return buf;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The search path, one directory per entry, trailing slashes off, sorted (LC_ALL=C) and unique. */
static char **runtime_dirs(const char *file, enum kind k, size_t *n)
{
    char *out = ask(file, k);
    char **d = NULL;
    *n = 0;
    for (char *s = out, *save = NULL, *l; out && (l = strtok_r(s, k == LUA ? ";\n" : "\n", &save)); s = NULL) {
        if (k == LUA && strchr(l, '?'))
            *strchr(l, '?') = 0;
        size_t len = strlen(l);
        while (len && l[len - 1] == '/')
            l[--len] = 0;
        d = realloc(d, (*n + 1) * sizeof(*d));
        d[(*n)++] = xstrdup(l);
    }
    free(out);
    qsort(d, *n, sizeof(*d), by_bytes);
    size_t u = 0;
    for (size_t i = 0; i < *n; i++)
        if (!u || strcmp(d[u - 1], d[i]))
            d[u++] = d[i];
    *n = u;
    return d;
}

/* du -skL: KiB of the tree, symlinks followed, each file once. */
static struct strmap du_seen;
static unsigned long long du_blocks;

static int du_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)p, (void)flag, (void)f;
    char key[64];
    snprintf(key, sizeof key, "%llx:%llx", (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
    if (strmap_put(&du_seen, key, NULL))
        du_blocks += st->st_blocks;
    return 0;
}

static unsigned long long du_kib(const char *dir)
{
    du_blocks = 0;
    nftw(dir, du_one, 32, 0);
    return (du_blocks + 1) / 2;
}

/* One of the search path's directories worth packing. */
static bool dir_ok(struct run *r, const char *d)
{
    static const char *const whole[] = { "", "/usr", "/usr/lib", "/usr/lib64", "/usr/share", "/usr/local",
                                         "/usr/local/lib", "/usr/local/share", "/lib", "/lib64",
                                         "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/etc", "/opt",
                                         "/var", "/home", "/root", "/tmp", "/bin", "/sbin", "/usr/bin",
                                         "/usr/sbin", "*/site-packages", "*/dist-packages", NULL };
    struct stat st;
    if (d[0] != '/' || stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    for (int i = 0; whole[i]; i++)
        if (fnmatch(whole[i], d, 0) == 0)
            return false;
    const char *home = getenv("HOME");
    if (home && *home && strcmp(home, "/")) {
        size_t h = strlen(home);
        while (h && home[h - 1] == '/')
            h--;
        if (!strncmp(d, home, h) && d[h] == '/')
            return false;
        if (!strncmp(d, home, h) && !d[h])
            return false; /* "$1/" starts with "$HOME/" */
    }
    char *real = realpath(d, NULL), *cwd = getcwd(NULL, 0), *rcwd = cwd ? realpath(cwd, NULL) : NULL;
    bool here = real && rcwd && !strcmp(real, rcwd);
    free(real);
    free(cwd);
    free(rcwd);
    if (here)
        return false;
    unsigned long long kib = du_kib(d);
    if (kib > RUNTIME_DIR_MAX_KIB) {
        cli_msg("warning: not packing %s (%llu MiB; --add it if the program needs it)", d, kib / 1024);
        return false;
    }
    (void)r;
    return true;
}

/* DIR (through its symlinks) without its top-level entries named prune (a glob), and what its ELF modules
 * load. */
static void stage_dir(struct run *r, const char *dir, const char *prune)
{
    char *real;
    if (stage_path(r->walk.plan, dir, false, &real))
        cli_exit(EX_FAIL);
    if (prune) {
        char *pattern = xasprintf("%s/%s", real, prune);
        glob_t g;
        if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
            qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), by_bytes);
            for (size_t i = 0; i < g.gl_pathc; i++) {
                path_ok(g.gl_pathv[i]);
                plan_add(r->walk.plan, 'X', g.gl_pathv[i] + 1, "");
            }
            globfree(&g);
        }
        free(pattern);
    }
    if (walk_tree(&r->walk, real, prune))
        cli_exit(EX_FAIL);
    free(real);
}

void plan_runtime(struct run *r, const char *file)
{
    static struct strmap done;
    enum kind k = kind_of(file);
    if (r->no_runtime_libs || k == NONE || !strmap_put(&done, file, NULL))
        return;
    /* Left out (top-level names): what only building extensions needs (python's config-3.X-*, 25 MB; perl's
     * CORE, 8 MB of headers and libperl.a). */
    const char *prune = k == PYTHON ? "config-[0-9]*" : k == PERL ? "CORE" : NULL;
    size_t n;
    char **dirs = runtime_dirs(file, k, &n);
    struct strv chosen = { 0 };
    for (size_t i = 0; i < n; i++) {
        bool inside = false; /* a directory inside one already packed comes with it (parents sort first) */
        for (size_t j = 0; j < chosen.n && !inside; j++)
            inside = !strncmp(dirs[i], chosen.v[j], strlen(chosen.v[j])) && dirs[i][strlen(chosen.v[j])] == '/';
        if (inside || !dir_ok(r, dirs[i]))
            continue;
        path_ok(dirs[i]);
        strv_add(&chosen, dirs[i]);
        if (r->verbose)
            cli_msg("%s: packing its library directory %s", file, dirs[i]);
        stage_dir(r, dirs[i], prune);
    }
}

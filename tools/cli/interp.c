/* tools/cli/interp.c — a #! script comes with its interpreter (from the host, at the same path) and what that
 * loads; an interpreter that is itself a script, in turn (Linux allows a few levels: 4 here); with
 * /usr/bin/env, the program env will run, found in the guest's PATH. An interpreter that an --add provides is
 * left alone; an interpreter that is a runtime (python3, perl ...) with its library directories (runtime.c). As
 * tools/skiff.sh's plan_interp. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

#define INTERP_DEPTH 4

/* The #! line of path: *interp its first word, *arg the rest trimmed (Linux passes it as one optional
 * argument); tabs count as spaces. False when path is not a readable regular file starting with #!. */
static bool script_line(const char *path, char **interp, char **arg)
{
    struct stat st;
    FILE *fp = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "re") : NULL;
    if (!fp)
        return false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, fp);
    fclose(fp);
    if (n < 2 || line[0] != '#' || line[1] != '!') {
        free(line);
        return false;
    }
    if (line[n - 1] == '\n')
        line[--n] = 0;
    for (char *c = line; *c; c++)
        if (*c == '\t')
            *c = ' ';
    char *s = line + 2 + strspn(line + 2, " ");
    size_t w = strcspn(s, " ");
    *interp = strndup(s, w);
    char *a = s + w + strspn(s + w, " ");
    size_t al = strlen(a);
    while (al && a[al - 1] == ' ')
        al--;
    *arg = strndup(a, al);
    free(line);
    if (!**interp) {
        free(*interp);
        free(*arg);
        return false;
    }
    return true;
}

/* The program `#!/usr/bin/env ARG` runs: the first word that is not an option of env (-S, -i, -u NAME,
 * -C DIR ...) nor NAME=VALUE; NULL if none. */
static char *env_target(const char *arg)
{
    char *words = xstrdup(arg), *save = NULL, *found = NULL;
    bool skip = false;
    for (char *w = strtok_r(words, " \t\n", &save); w && !found; w = strtok_r(NULL, " \t\n", &save)) {
        if (skip)
            skip = false;
        else if (!strcmp(w, "-u") || !strcmp(w, "-C") || !strcmp(w, "--unset") || !strcmp(w, "--chdir"))
            skip = true;
        else if (w[0] != '-' && !strchr(w, '='))
            found = xstrdup(w);
    }
    free(words);
    return found;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* An --add already puts something at the guest path p (an A, F or E step's guest field). */
static bool planned_guest(struct run *r, const char *p)
{
    plan_sync(r->walk.plan);
    FILE *fp = fopen(r->plan_path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool found = false;
    while (p[0] == '/')
        p++;
    while (fp && !found && (n = getline(&line, &cap, fp)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
        found = b && strchr("AFE", line[0]) && a == line + 1 && !strcmp(b + 1, p);
    }
    free(line);
    if (fp)
        fclose(fp);
    return found;
}

/* One program of the chain: staged at its host path, with what it loads (a runtime: its libraries too). *file
 * becomes where it led. */
static void stage_one(struct run *r, const char *path, char **file)
{
    path_ok(path);
    char *real;
    if (stage_path(r->walk.plan, path, false, &real) || walk_file(&r->walk, real, false))
        cli_exit(EX_FAIL);
    free(*file);
    *file = real;
    plan_runtime(r, real);
}

void plan_interp(struct run *r, const char *file)
{
    char *f = xstrdup(file), *interp, *arg;
    for (int depth = 0; depth < INTERP_DEPTH && script_line(f, &interp, &arg); depth++) {
        bool go_on = false;
        struct stat st;
        if (interp[0] != '/' || planned_guest(r, interp)) {
            /* relative to the cwd at exec time: nothing to find here; or an --add's */
        } else if (stat(interp, &st) != 0) {
            cli_msg("warning: %s: its interpreter %s is not on this host", f, interp);
        } else {
            stage_one(r, interp, &f);
            go_on = true;
            if (!strcmp(base_name(f), "env")) {
                char *t = env_target(arg), *found = NULL;
                go_on = false;
                if (t && t[0] == '/') {
                    found = xstrdup(t);
                } else if (t && !strchr(t, '/') && !(found = path_search(t, guest_env_path(r), NULL))) {
                    cli_msg("warning: %s: %s (run by env) is not on this host", file, t);
                }
                if (found && !planned_guest(r, found) && stat(found, &st) == 0) {
                    stage_one(r, found, &f);
                    go_on = true;
                }
                free(found);
                free(t);
            }
        }
        free(interp);
        free(arg);
        if (!go_on)
            break;
    }
    free(f);
}

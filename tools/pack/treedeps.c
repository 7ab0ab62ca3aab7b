/* tools/pack/treedeps.c — the libraries the ELF files of an added tree load (python's lib-dynload modules need
 * libz, libssl ...): every regular file under the tree, symlinks followed as `find -L` does, that is named
 * *.so or *.so.* or is executable by its owner. A tree may hold broken ELF files (truncated, fuzzed, another
 * system's): one whose interpreter is not a file here, or that names a library no ld.so could look up, is
 * data, packed as it is without a word (walk_file). */
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pack.h"

struct dir_seen {
    dev_t dev;
    ino_t ino;
    const struct dir_seen *up;
};

static bool candidate(const char *name, const struct stat *st)
{
    size_t n = strlen(name);
    return (n >= 3 && !strcmp(name + n - 3, ".so")) || strstr(name, ".so.") || (st->st_mode & S_IXUSR);
}

static int walk_dir(struct walk_state *w, const char *dir, const char *prune, const struct dir_seen *up)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* unreadable: packing it will say so */
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (prune && fnmatch(prune, e->d_name, 0) == 0)
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                bool loop = false;
                for (const struct dir_seen *s = up; s; s = s->up)
                    loop |= s->dev == st.st_dev && s->ino == st.st_ino;
                struct dir_seen here = { st.st_dev, st.st_ino, up };
                if (!loop)
                    rc = walk_dir(w, p, NULL, &here);
            } else if (S_ISREG(st.st_mode) && candidate(e->d_name, &st)) {
                rc = walk_file(w, p, false);
            }
        }
        free(p);
    }
    closedir(d);
    return rc;
}

int walk_tree(struct walk_state *w, const char *dir, const char *prune)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0;
    struct dir_seen top = { st.st_dev, st.st_ino, NULL };
    return walk_dir(w, dir, prune && *prune ? prune : NULL, &top);
}

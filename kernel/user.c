/* kernel/user.c — `user=USER[:GROUP]` on the command line (tools/skiff run --user): the first program's ids,
 * as `docker run -u` picks them. USER is a uid or a name from the guest root's /etc/passwd; its primary group
 * is the passwd entry's (0 for a uid without one) unless GROUP (a gid or a name from /etc/group) is given;
 * the supplementary groups are those /etc/group lists the user in. A user other than root starts without
 * capabilities. A name that is not there stops the boot with one line (status 125). */
#include "proc.h"
#include "boot.h"
#include "errno.h"

#define DB_MAX (1u << 20)
#define GROUPS_MAX 256

/* The whole file (NUL-ended, kmalloc'ed), or NULL when the guest has none. */
static char *read_db(const char *path)
{
    struct inode *ino;
    if (vfs_lookup(vfs_covering(vfs_root), path, WALK_FOLLOW, &ino) || !S_ISREG(ino->mode) || ino->size > DB_MAX)
        return NULL;
    char *buf = kmalloc(ino->size + 1);
    ssize_t n = buf ? vfs_kread(ino, buf, ino->size, 0) : -1;
    if (n < 0) {
        kfree(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* A decimal id (below 2^32 - 1), or -1 when s is not one. */
static i64 parse_id(const char *s, size_t len)
{
    if (!len || len > 10)
        return -1;
    u64 v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (u64)(s[i] - '0');
    }
    return v < 0xffffffffu ? (i64)v : -1;
}

/* Field i (0-based) of a colon-separated line [line, end): its start and length. */
static bool field(const char *line, const char *end, int i, const char **f, size_t *len)
{
    const char *s = line;
    for (; i > 0 && s < end; s++)
        if (*s == ':')
            i--;
    if (i > 0)
        return false;
    const char *e = s;
    while (e < end && *e != ':')
        e++;
    *f = s, *len = (size_t)(e - s);
    return true;
}

/* The line of db whose field `key` equals want (a name or a decimal id): fills fields 0, 2 and 3. */
static bool find_entry(const char *db, int key, const char *want, size_t wlen, const char *out[4], size_t olen[4])
{
    for (const char *line = db; db && *line;) {
        const char *end = line;
        while (*end && *end != '\n')
            end++;
        const char *k;
        size_t kl;
        if (line[0] != '#' && field(line, end, key, &k, &kl) && kl == wlen && !memcmp(k, want, wlen)) {
            for (int i = 0; i < 4; i++)
                if (!field(line, end, i, &out[i], &olen[i]))
                    out[i] = "", olen[i] = 0;
            return true;
        }
        line = *end ? end + 1 : end;
    }
    return false;
}

/* Whether the comma-separated member list holds name. */
static bool is_member(const char *list, size_t len, const char *name, size_t nlen)
{
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && list[j] != ',')
            j++;
        if (j - i == nlen && !memcmp(list + i, name, nlen))
            return true;
        i = j + 1;
    }
    return false;
}

static u32 member_groups(const char *gdb, const char *name, size_t nlen, u32 *out)
{
    u32 n = 0;
    for (const char *line = gdb; gdb && nlen && *line && n < GROUPS_MAX;) {
        const char *end = line;
        while (*end && *end != '\n')
            end++;
        const char *gid, *mem;
        size_t gl, ml;
        if (line[0] != '#' && field(line, end, 2, &gid, &gl) && field(line, end, 3, &mem, &ml) &&
            is_member(mem, ml, name, nlen) && parse_id(gid, gl) >= 0)
            out[n++] = (u32)parse_id(gid, gl);
        line = *end ? end + 1 : end;
    }
    return n;
}

void user_apply(struct cred *c, const char *spec)
{
    const char *colon = strchr(spec, ':');
    size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
    char *pw = read_db("/etc/passwd"), *gr = read_db("/etc/group");
    const char *f[4];
    size_t fl[4];
    i64 uid = parse_id(spec, ulen), gid = 0;
    const char *name = NULL;
    size_t nlen = 0;
    bool found = uid >= 0 ? find_entry(pw, 2, spec, ulen, f, fl) : find_entry(pw, 0, spec, ulen, f, fl);
    if (!found && uid < 0)
        boot_fail("skiff: --user %.*s: no such user in the guest's /etc/passwd%s", (int)ulen, spec,
                  pw ? "" : " (it has none: use a number, or add the file)");
    if (found) {
        uid = parse_id(f[2], fl[2]);
        gid = parse_id(f[3], fl[3]);
        name = f[0], nlen = fl[0];
        if (uid < 0 || gid < 0)
            boot_fail("skiff: --user %.*s: its /etc/passwd line is malformed", (int)ulen, spec);
    }
    if (colon) {
        const char *g = colon + 1;
        gid = parse_id(g, strlen(g));
        if (gid < 0 && find_entry(gr, 0, g, strlen(g), f, fl))
            gid = parse_id(f[2], fl[2]);
        if (gid < 0)
            boot_fail("skiff: --user %s: no such group in the guest's /etc/group", spec);
    }
    u32 *groups = kmalloc(GROUPS_MAX * sizeof(u32));
    u32 n = groups ? member_groups(gr, name, nlen, groups) : 0;
    if (cred_set_user(c, (u32)uid, (u32)gid, groups, n))
        boot_fail("skiff: out of memory for --user's groups");
    klog("skiff: the program runs as uid %u gid %u with %u supplementary groups\n", (u32)uid, (u32)gid, n);
    kfree(groups);
    kfree(pw);
    kfree(gr);
}

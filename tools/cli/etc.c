/* tools/cli/etc.c — the base files every packed root gets unless it has them: /etc/passwd and /etc/group
 * (Debian's static users and groups and those of the usual server packages, with fixed ids; nothing of the
 * host's, no shadow file), /etc/hostname, /etc/hosts, the host's /etc/localtime, /tmp (1777) and /root; for
 * dynamic programs what ld.so reads (ld.so.cache, musl's path file) and glibc's C.UTF-8 locale. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static const char base_passwd[] =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
    "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
    "sync:x:4:65534:sync:/bin:/bin/sync\n"
    "games:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
    "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
    "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
    "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n"
    "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\n"
    "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"
    "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\n"
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
    "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n"
    "list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"
    "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n"
    "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
    "messagebus:x:100:101::/nonexistent:/usr/sbin/nologin\n"
    "redis:x:101:102::/var/lib/redis:/usr/sbin/nologin\n"
    "postgres:x:102:103:PostgreSQL administrator:/var/lib/postgresql:/bin/bash\n"
    "mysql:x:103:104:MySQL Server:/nonexistent:/bin/false\n"
    "memcache:x:104:105:Memcached:/nonexistent:/bin/false\n"
    "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin\n"
    "systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static const char base_group[] =
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\n"
    "news:x:9:\nuucp:x:10:\nman:x:12:\nproxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\nvoice:x:22:\n"
    "cdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\naudio:x:29:\ndip:x:30:\nwww-data:x:33:\nbackup:x:34:\n"
    "operator:x:37:\nlist:x:38:\nirc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\nsasl:x:45:\n"
    "plugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\nmessagebus:x:101:\nredis:x:102:\n"
    "postgres:x:103:\nmysql:x:104:\nmemcache:x:105:\nssl-cert:x:106:postgres\nsystemd-network:x:998:\n"
    "nogroup:x:65534:\n";

/* One generated /etc file in the work directory, with a fixed mtime (2000-01-01 00:00, local time, as
 * `touch -t 200001010000`): the same content gives the same image. */
static void etc_file(struct run *r, const char *name, const char *text)
{
    char *p = xasprintf("%s/etc/%s", r->work, name);
    FILE *fp = fopen(p, "we");
    if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0)
        cli_fail(EX_FAIL, "cannot write the base files");
    struct tm tm = { .tm_year = 100, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1 };
    struct timespec ts[2] = { { mktime(&tm), 0 }, { mktime(&tm), 0 } };
    utimensat(AT_FDCWD, p, ts, 0);
    char *w = xasprintf("@work/etc/%s", name), *g = xasprintf("etc/%s", name);
    plan_add(r->walk.plan, 'E', w, g);
    free(w);
    free(g);
    free(p);
}

/* What every root gets unless it has it: /etc/passwd, group, hostname, hosts, the host's localtime, /tmp,
 * /root; for dynamic programs what ld.so reads (ld.so.cache, musl's path file) and glibc's C.UTF-8 locale. */
void plan_base(struct run *r)
{
    char *etc = xasprintf("%s/etc", r->work);
    if (mkdir(etc, 0777) != 0 && errno != EEXIST)
        cli_fail(EX_FAIL, "cannot write the base files");
    free(etc);
    etc_file(r, "passwd", base_passwd);
    etc_file(r, "group", base_group);
    etc_file(r, "hostname", "skiff\n");
    etc_file(r, "hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    if (is_file("/etc/localtime"))
        plan_add(r->walk.plan, 'E', "/etc/localtime", "etc/localtime");
    plan_add(r->walk.plan, 'D', "tmp", "1777");
    plan_add(r->walk.plan, 'D', "root", "0700");
    if (r->walk.need_ld_cache && access("/etc/ld.so.cache", R_OK) == 0)
        plan_add(r->walk.plan, 'E', "/etc/ld.so.cache", "etc/ld.so.cache");
    if (access("/etc/ld-musl-x86_64.path", R_OK) == 0 && r->walk.musl_interp)
        plan_add(r->walk.plan, 'E', "/etc/ld-musl-x86_64.path", "etc/ld-musl-x86_64.path");
    if (r->walk.need_glibc_locale && is_dir("/usr/lib/locale/C.utf8") &&
        stage_path(r->walk.plan, "/usr/lib/locale/C.utf8", false, NULL))
        cli_fail(EX_FAIL, "cannot write the base files");
}

/* test/conformance/inotify.c — inotify(7): the events a directory watch and a file watch see for creating,
 * opening, writing, reading, closing, chmod, truncate, renaming and removing, in Linux's order with its names,
 * cookies and IN_ISDIR; IN_IGNORED when a watch ends; IN_ONESHOT; the merging of identical events; read,
 * poll and FIONREAD on the inotify file; and the error paths. */
/* covers: inotify_init inotify_init1 inotify_add_watch inotify_rm_watch */
#include "tap.h"
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

/* Reads every queued event into "NAME:name," items (name empty for the watch's own inode). */
static void events(int in, char *out, size_t cap, uint32_t *cookie_from, uint32_t *cookie_to)
{
    char buf[4096] __attribute__((aligned(8)));
    out[0] = 0;
    long n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            struct inotify_event *e = (struct inotify_event *)(buf + at);
            static const struct { uint32_t bit; const char *name; } names[] = {
                { IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" },
                { IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
                { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" }, { IN_CREATE, "CREATE" },
                { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
                { IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" }, { IN_Q_OVERFLOW, "OVERFLOW" },
            };
            char item[300] = "";
            for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (e->mask & names[i].bit) {
                    strcat(item, item[0] ? "|" : "");
                    strcat(item, names[i].name);
                }
            strcat(item, ":");
            if (e->len)
                strncat(item, e->name, 200);
            strcat(item, ",");
            strncat(out, item, cap - strlen(out) - 1);
            if ((e->mask & IN_MOVED_FROM) && cookie_from)
                *cookie_from = e->cookie;
            if ((e->mask & IN_MOVED_TO) && cookie_to)
                *cookie_to = e->cookie;
            at += sizeof(*e) + e->len;
        }
    }
}

int main(void)
{
    tap_scratch("inotify");
    mkdir("d", 0755);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    T_TRUE("inotify_init1 IN_NONBLOCK|IN_CLOEXEC gives an fd", in >= 0);
    T_OK("inotify_init1: the fd is close-on-exec", fcntl(in, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    T_ERR("inotify_init1 with an unknown flag", inotify_init1(0x40), EINVAL);
    int plain = SYS(SYS_inotify_init);
    T_TRUE("inotify_init gives an fd", plain >= 0);
    close(plain);
    int wd = inotify_add_watch(in, "d", IN_ALL_EVENTS);
    T_TRUE("inotify_add_watch on a directory: a watch descriptor", wd > 0);
    T_OK("inotify_add_watch again: the same descriptor", inotify_add_watch(in, "d", IN_ALL_EVENTS), wd);
    T_ERR("inotify_add_watch IN_MASK_CREATE on a watched inode", inotify_add_watch(in, "d", IN_CREATE | IN_MASK_CREATE), EEXIST);
    T_ERR("inotify_add_watch IN_MASK_ADD with IN_MASK_CREATE", inotify_add_watch(in, "d", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EINVAL);
    T_ERR("inotify_add_watch with no event in the mask", inotify_add_watch(in, "d", 0), EINVAL);
    T_ERR("inotify_add_watch of a missing path", inotify_add_watch(in, "missing", IN_ALL_EVENTS), ENOENT);
    T_ERR("inotify_add_watch on a closed fd", inotify_add_watch(999, "d", IN_ALL_EVENTS), EBADF);
    T_ERR("inotify_add_watch on an fd that is not inotify", inotify_add_watch(0, "d", IN_ALL_EVENTS), EINVAL);
    T_ERR("inotify_add_watch with a kernel path pointer", inotify_add_watch(in, KADDR, IN_ALL_EVENTS), EFAULT);
    char buf[4096], all[2048];
    T_ERR("read with nothing queued (IN_NONBLOCK)", read(in, buf, sizeof buf), EAGAIN);

    int fd = open("d/f", O_CREAT | O_WRONLY, 0644);
    write(fd, "abc", 3);
    write(fd, "def", 3);
    close(fd);
    events(in, all, sizeof all, NULL, NULL);
    T_TRUE("create, write twice, close: CREATE, OPEN, MODIFY (merged), CLOSE_WRITE",
           !strcmp(all, "CREATE:f,OPEN:f,MODIFY:f,CLOSE_WRITE:f,"));
    if (strcmp(all, "CREATE:f,OPEN:f,MODIFY:f,CLOSE_WRITE:f,"))
        printf("# got %s\n", all);
    fd = open("d/f", O_RDONLY);
    read(fd, buf, 2);
    close(fd);
    chmod("d/f", 0600);
    truncate("d/f", 1);
    events(in, all, sizeof all, NULL, NULL);
    T_TRUE("read, close, chmod, truncate: OPEN, ACCESS, CLOSE_NOWRITE, ATTRIB, MODIFY",
           !strcmp(all, "OPEN:f,ACCESS:f,CLOSE_NOWRITE:f,ATTRIB:f,MODIFY:f,"));
    if (strcmp(all, "OPEN:f,ACCESS:f,CLOSE_NOWRITE:f,ATTRIB:f,MODIFY:f,"))
        printf("# got %s\n", all);

    int in2 = inotify_init1(IN_NONBLOCK);
    int fwd = inotify_add_watch(in2, "d/f", IN_ALL_EVENTS);
    T_TRUE("a watch on the file itself", fwd > 0);
    T_ERR("inotify_add_watch IN_ONLYDIR on a file", inotify_add_watch(in2, "d/f", IN_ALL_EVENTS | IN_ONLYDIR), ENOTDIR);
    uint32_t cfrom = 0, cto = 1;
    rename("d/f", "d/g");
    events(in, all, sizeof all, &cfrom, &cto);
    T_TRUE("rename in the directory: MOVED_FROM f, MOVED_TO g", !strcmp(all, "MOVED_FROM:f,MOVED_TO:g,"));
    T_TRUE("the two rename events share a non-zero cookie", cfrom && cfrom == cto);
    mkdir("d/sub", 0755);
    rmdir("d/sub");
    unlink("d/g");
    events(in, all, sizeof all, NULL, NULL);
    T_TRUE("mkdir, rmdir, unlink: CREATE|ISDIR, DELETE|ISDIR, DELETE",
           !strcmp(all, "CREATE|ISDIR:sub,DELETE|ISDIR:sub,DELETE:g,"));
    if (strcmp(all, "CREATE|ISDIR:sub,DELETE|ISDIR:sub,DELETE:g,"))
        printf("# got %s\n", all);
    events(in2, all, sizeof all, NULL, NULL);
    T_TRUE("the file's own watch: MOVE_SELF, ATTRIB, DELETE_SELF, IGNORED",
           !strcmp(all, "MOVE_SELF:,ATTRIB:,DELETE_SELF:,IGNORED:,"));
    if (strcmp(all, "MOVE_SELF:,ATTRIB:,DELETE_SELF:,IGNORED:,"))
        printf("# got %s\n", all);
    T_ERR("inotify_rm_watch of an ended watch", inotify_rm_watch(in2, fwd), EINVAL);
    close(in2);

    close(open("d/p", O_CREAT | O_WRONLY, 0644));
    struct pollfd p = { in, POLLIN, 0 };
    T_OK("poll: readable with events queued", poll(&p, 1, 0), 1);
    int avail = 0;
    T_OK("FIONREAD", ioctl(in, FIONREAD, &avail), 0);
    T_TRUE("FIONREAD: the queued events' bytes (3 events with a 16-byte name each)", avail == 3 * 32);
    T_ERR("read into a buffer too small for one event", read(in, buf, 8), EINVAL);
    events(in, all, sizeof all, NULL, NULL);
    T_OK("poll: nothing once read", poll(&p, 1, 0), 0);
    T_OK("inotify_rm_watch", inotify_rm_watch(in, wd), 0);
    events(in, all, sizeof all, NULL, NULL);
    T_TRUE("inotify_rm_watch queues IGNORED", !strcmp(all, "IGNORED:,"));
    T_ERR("inotify_rm_watch again", inotify_rm_watch(in, wd), EINVAL);
    T_ERR("inotify_rm_watch on an fd that is not inotify", inotify_rm_watch(0, 1), EINVAL);
    T_ERR("inotify_rm_watch on a closed fd", inotify_rm_watch(999, 1), EBADF);
    int one = inotify_add_watch(in, "d", IN_CREATE | IN_ONESHOT);
    close(open("d/x", O_CREAT | O_WRONLY, 0644));
    close(open("d/y", O_CREAT | O_WRONLY, 0644));
    events(in, all, sizeof all, NULL, NULL);
    T_TRUE("IN_ONESHOT: one event, then IGNORED", one > 0 && !strcmp(all, "CREATE:x,IGNORED:,"));
    if (strcmp(all, "CREATE:x,IGNORED:,"))
        printf("# got %s\n", all);
    close(in);
    int fds[1024], nfd = 0;
    long last = 0;
    int e = 0;
    while (nfd < 1024 && (last = SYS(SYS_inotify_init)) >= 0)
        fds[nfd++] = (int)last;
    e = errno;
    T_TRUE("inotify_init past max_user_instances -> EMFILE", last == -1 && e == EMFILE);
    while (nfd > 0)
        close(fds[--nfd]);
    return tap_done();
}

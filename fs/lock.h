/* fs/lock.h — advisory file locks: flock(2) locks and fcntl record locks (POSIX and open-file-description
 * ones), kept per inode (fs/lock.c), and the syscall side that reads struct flock (syscalls/flock.c). */
#ifndef SKIFF_LOCK_H
#define SKIFF_LOCK_H

#include "vfs.h"

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define LOCK_OFFSET_MAX 0x7fffffffffffffffll   /* a range's end meaning "to EOF, and past it" */

/* A byte range [start, end] (end inclusive) of type F_RDLCK/F_WRLCK/F_UNLCK, as fcntl asks for it. */
struct lock_range {
    int type;
    i64 start, end;
    int pid;          /* F_GETLK's answer: the holder's pid (-1 for an OFD lock) */
};

/* fs/lock.c. ofd: the lock belongs to the open file description f, else to the calling process.
 * 0, -EAGAIN (a conflict and !wait), -EDEADLK, -EINTR, -ENOLCK. */
long lock_posix_set(struct file *f, bool ofd, const struct lock_range *r, bool wait);
/* F_GETLK: the first lock that would conflict with r (*r rewritten), or r->type set to F_UNLCK. */
void lock_posix_test(struct file *f, bool ofd, struct lock_range *r);
long lock_flock(struct file *f, int type, bool wait);            /* 0, -EAGAIN, -EINTR, -ENOLCK */
/* Hooks: fd_close (a process's POSIX locks on the file go with ANY of its fds) and the last file_put (the
 * description's flock and OFD locks). */
void lock_close_posix(struct fdtable *t, struct file *f);
void lock_release_file(struct file *f);
int lock_proc_text(char *buf, size_t size); /* /proc/locks */

/* syscalls/flock.c: the F_GETLK/F_SETLK(W)/F_OFD_* commands of fcntl, with arg a user struct flock. */
long fcntl_lock(struct file *f, int cmd, void *uarg);

#endif

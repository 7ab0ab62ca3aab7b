/* test/conformance/fasync.c — a file's I/O signal owner: fcntl F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX,
 * F_SETSIG/F_GETSIG, ioctl FIOASYNC and its O_ASYNC flag, with their errors. (Whether SIGIO arrives is not
 * tested: skiff records these and does not send it yet.) */
/* covers: fcntl ioctl */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int main(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T_EQ("fcntl F_GETOWN of a new socket is 0", fcntl(sv[0], F_GETOWN), 0);
    T_OK("fcntl F_SETOWN to this process", fcntl(sv[0], F_SETOWN, getpid()), 0);
    T_EQ("fcntl F_GETOWN reads the pid back", fcntl(sv[0], F_GETOWN), getpid());
    T_OK("fcntl F_SETOWN to this process group (negative)", fcntl(sv[0], F_SETOWN, -getpgrp()), 0);
    T_EQ("fcntl F_GETOWN reads the negative group back", fcntl(sv[0], F_GETOWN), -getpgrp());
    T_ERR("fcntl F_SETOWN to a pid nobody has", fcntl(sv[0], F_SETOWN, 0x3ffffff0), ESRCH);
    struct f_owner_ex ex = { F_OWNER_TID, getpid() };
    T_OK("fcntl F_SETOWN_EX F_OWNER_TID", fcntl(sv[0], F_SETOWN_EX, &ex), 0);
    struct f_owner_ex got = { -1, -1 };
    T_OK("fcntl F_GETOWN_EX", fcntl(sv[0], F_GETOWN_EX, &got), 0);
    T_TRUE("fcntl F_GETOWN_EX reads the type and id back", got.type == F_OWNER_TID && got.pid == getpid());
    ex.type = 7;
    T_ERR("fcntl F_SETOWN_EX with an unknown type", fcntl(sv[0], F_SETOWN_EX, &ex), EINVAL);
    T_ERR("fcntl F_SETOWN_EX from a bad pointer", fcntl(sv[0], F_SETOWN_EX, (void *)8), EFAULT);
    T_ERR("fcntl F_GETOWN_EX to a bad pointer", fcntl(sv[0], F_GETOWN_EX, (void *)8), EFAULT);
    T_OK("fcntl F_SETOWN 0 clears the owner", fcntl(sv[0], F_SETOWN, 0), 0);
    T_EQ("fcntl F_GETOWN is 0 again", fcntl(sv[0], F_GETOWN), 0);
    T_EQ("fcntl F_GETSIG of a new socket is 0", fcntl(sv[0], F_GETSIG), 0);
    T_OK("fcntl F_SETSIG SIGRTMIN", fcntl(sv[0], F_SETSIG, SIGRTMIN), 0);
    T_EQ("fcntl F_GETSIG reads it back", fcntl(sv[0], F_GETSIG), SIGRTMIN);
    T_ERR("fcntl F_SETSIG 65", fcntl(sv[0], F_SETSIG, 65), EINVAL);
    int on = 1;
    T_OK("ioctl FIOASYNC on", ioctl(sv[0], FIOASYNC, &on), 0);
    T_TRUE("ioctl FIOASYNC: fcntl F_GETFL shows O_ASYNC", fcntl(sv[0], F_GETFL) & O_ASYNC);
    on = 0;
    T_OK("ioctl FIOASYNC off", ioctl(sv[0], FIOASYNC, &on), 0);
    T_TRUE("ioctl FIOASYNC off: O_ASYNC is gone", !(fcntl(sv[0], F_GETFL) & O_ASYNC));
    T_ERR("ioctl FIOASYNC from a bad pointer", ioctl(sv[0], FIOASYNC, (void *)8), EFAULT);
    T_ERR("ioctl FIOASYNC on a closed fd", ioctl(99, FIOASYNC, &on), EBADF);
    T_ERR("fcntl F_SETOWN on a closed fd", fcntl(99, F_SETOWN, getpid()), EBADF);
    return tap_done();
}

/* test/conformance/eventfd.c — eventfd(2)'s flags and errors: EFD_SEMAPHORE (each read takes 1), EFD_NONBLOCK
 * (an empty counter is EAGAIN, a full one too for a write), EFD_CLOEXEC, an unknown flag (EINVAL), reads and
 * writes of fewer than 8 bytes and a write of 2^64-1 (EINVAL). */
/* covers: eventfd eventfd2 */
#include "tap.h"
#include <stdint.h>
#include <sys/eventfd.h>

int main(void)
{
    uint64_t v = 0;
    int e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    T_TRUE("eventfd EFD_SEMAPHORE|EFD_NONBLOCK", e >= 0);
    T_TRUE("eventfd EFD_SEMAPHORE: a read gives 1", read(e, &v, 8) == 8 && v == 1);
    read(e, &v, 8);
    read(e, &v, 8);
    T_ERR("eventfd EFD_SEMAPHORE after three reads of a counter of 3: EFD_NONBLOCK -> EAGAIN", read(e, &v, 8), EAGAIN);
    close(e);
    e = eventfd(5, 0);
    T_TRUE("eventfd without EFD_SEMAPHORE: a read takes the whole counter", read(e, &v, 8) == 8 && v == 5);
    T_EQ("eventfd without EFD_CLOEXEC: FD_CLOEXEC clear", fcntl(e, F_GETFD), 0);
    T_EQ("eventfd without EFD_NONBLOCK: O_NONBLOCK clear", fcntl(e, F_GETFL) & O_NONBLOCK, 0);
    T_ERR("eventfd read into 4 bytes", read(e, &v, 4), EINVAL);
    T_ERR("eventfd write of 4 bytes", write(e, &v, 4), EINVAL);
    v = UINT64_MAX;
    T_ERR("eventfd write of 2^64-1", write(e, &v, 8), EINVAL);
    close(e);
    e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    T_EQ("eventfd EFD_CLOEXEC sets FD_CLOEXEC", fcntl(e, F_GETFD), FD_CLOEXEC);
    T_TRUE("eventfd EFD_NONBLOCK sets O_NONBLOCK", fcntl(e, F_GETFL) & O_NONBLOCK);
    T_ERR("eventfd EFD_NONBLOCK read of 0", read(e, &v, 8), EAGAIN);
    v = UINT64_MAX - 1;
    T_OK("eventfd write up to the largest count", write(e, &v, 8), 8);
    v = 1;
    T_ERR("eventfd EFD_NONBLOCK write past the largest count", write(e, &v, 8), EAGAIN);
    close(e);
    T_ERR("eventfd an unknown flag", eventfd(0, 0x2), EINVAL);
    T_ERR("eventfd2 an unknown flag", syscall(SYS_eventfd2, 0, 0x4), EINVAL);
    return tap_done();
}

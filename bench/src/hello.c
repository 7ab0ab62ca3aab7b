/* bench/src/hello.c — the static hello of the boot benchmark: one write, then exit. */
#include <unistd.h>

int main(void)
{
    static const char msg[] = "hello from the bench\n";
    return write(1, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 1;
}

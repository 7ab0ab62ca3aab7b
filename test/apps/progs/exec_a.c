/* exec_a: the first link of an execve chain. Prints who it is, then replaces itself with argv[1] (given the
 * rest of its arguments); exits 99 if execve returns. Built as a dynamic PIE, like exec_b. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: exec_a PROGRAM [ARGS...]\n");
        return 2;
    }
    printf("exec_a: about to exec %s with %d argument(s)\n", argv[1], argc - 2);
    fflush(stdout);
    char *envp[] = { "FROM=exec_a", NULL };
    execve(argv[1], argv + 1, envp);
    printf("exec_a: execve failed: %s\n", strerror(errno));
    return 99;
}

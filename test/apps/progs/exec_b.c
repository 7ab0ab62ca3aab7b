/* exec_b: the second link of an execve chain: prints its argv and environment, exits 7. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("exec_b: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("exec_b: argv[%d]=%s\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("exec_b: env %s\n", *e);
    return 7;
}

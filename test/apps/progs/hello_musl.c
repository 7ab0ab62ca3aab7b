/* hello_musl: a dynamically linked musl program (musl-gcc; its interpreter is /lib/ld-musl-x86_64.so.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char buf[64];
    unsigned long sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += (unsigned long)i * i;
    snprintf(buf, sizeof buf, "%lu", sum);
    printf("hello from musl: argc=%d sum=%s len=%zu\n", argc, buf, strlen(buf));
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    return argc > 1 ? atoi(argv[1]) : 0;
}

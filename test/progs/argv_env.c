/*
 * argv_env: prints argc, every argv string and every environment string,
 * then exits 42 so a test can tell "ran to the end" from "crashed" or "0".
 *
 * Built twice, both static-PIE, to exercise skiff's relocating loader:
 *   glibc:
 *     gcc -static-pie -fPIE -O2 -Wall -Wextra -o build/progs/argv_env-glibc test/progs/argv_env.c
 *   musl (Debian's musl-gcc -static-pie yields a dynamically linked binary,
 *   so compile with musl-gcc and link by hand with musl's rcrt1.o):
 *     musl-gcc -fPIE -O2 -Wall -Wextra -c -o build/progs/argv_env-musl.o test/progs/argv_env.c
 *     ld -static -pie --no-dynamic-linker -z text -o build/progs/argv_env-musl \
 *        /usr/lib/x86_64-linux-musl/rcrt1.o /usr/lib/x86_64-linux-musl/crti.o \
 *        build/progs/argv_env-musl.o -L/usr/lib/x86_64-linux-musl -lc \
 *        /usr/lib/x86_64-linux-musl/crtn.o
 */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
	char **ep;
	int i;

	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (ep = environ; *ep != NULL; ep++)
		printf("env=%s\n", *ep);
	fflush(stdout);
	return 42;
}

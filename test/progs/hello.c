/*
 * hello: the bundled demo. Prints a greeting, its argv, how many
 * environment variables it got and the auxiliary vector the loader built.
 *
 * Build (static, non-PIE, glibc):
 *   gcc -static -O2 -Wall -Wextra -o build/progs/hello test/progs/hello.c
 *
 * The auxv is found without /proc and without getauxval(): on the initial
 * stack the kernel lays out argc, argv[], NULL, envp[], NULL, auxv[], so
 * walking past the environment's terminating NULL lands on the auxv. That
 * is exactly what we want to check in skiff's loader, so we read it raw.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>

/* Newer than some libc headers. */
#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#endif
#ifndef AT_RSEQ_ALIGN
#define AT_RSEQ_ALIGN 28
#endif

extern char **environ;

struct auxname {
	unsigned long type;
	const char *name;
};

static const struct auxname auxnames[] = {
	{ AT_PHDR, "AT_PHDR" },       { AT_PHENT, "AT_PHENT" },
	{ AT_PHNUM, "AT_PHNUM" },     { AT_PAGESZ, "AT_PAGESZ" },
	{ AT_BASE, "AT_BASE" },       { AT_FLAGS, "AT_FLAGS" },
	{ AT_ENTRY, "AT_ENTRY" },     { AT_UID, "AT_UID" },
	{ AT_EUID, "AT_EUID" },       { AT_GID, "AT_GID" },
	{ AT_EGID, "AT_EGID" },       { AT_PLATFORM, "AT_PLATFORM" },
	{ AT_HWCAP, "AT_HWCAP" },     { AT_CLKTCK, "AT_CLKTCK" },
	{ AT_SECURE, "AT_SECURE" },   { AT_RANDOM, "AT_RANDOM" },
	{ AT_HWCAP2, "AT_HWCAP2" },   { AT_EXECFN, "AT_EXECFN" },
	{ AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR" },
	{ AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ" },
	{ AT_RSEQ_FEATURE_SIZE, "AT_RSEQ_FEATURE_SIZE" },
	{ AT_RSEQ_ALIGN, "AT_RSEQ_ALIGN" },
};

static const char *auxname(unsigned long type)
{
	size_t i;

	for (i = 0; i < sizeof(auxnames) / sizeof(auxnames[0]); i++)
		if (auxnames[i].type == type)
			return auxnames[i].name;
	return NULL;
}

/* Print one auxv entry; strings are shown as strings, the rest as numbers. */
static void print_aux(const Elf64_auxv_t *a)
{
	const char *name = auxname(a->a_type);
	unsigned long v = a->a_un.a_val;

	if (name == NULL)
		printf("  AT_%lu = 0x%lx\n", (unsigned long)a->a_type, v);
	else if (a->a_type == AT_PLATFORM || a->a_type == AT_EXECFN)
		printf("  %s = \"%s\"\n", name, v ? (const char *)v : "(null)");
	else if (a->a_type == AT_RANDOM && v != 0) {
		const unsigned char *r = (const unsigned char *)v;
		int i;

		printf("  %s = 0x%lx [", name, v);
		for (i = 0; i < 16; i++)
			printf("%02x", r[i]);
		printf("]\n");
	} else
		printf("  %s = 0x%lx\n", name, v);
}

/*
 * skiff measures, with the TSC, the time from the kernel's first instruction to this program's first
 * instruction and publishes it in /proc/skiff/boot_us. On Linux the file does not exist: say so.
 */
static void print_boot_time(void)
{
	FILE *f = fopen("/proc/skiff/boot_us", "r");
	unsigned long us;

	if (f != NULL && fscanf(f, "%lu", &us) == 1)
		printf("kernel boot took %lu.%03lu ms (first kernel instruction to first program instruction)\n",
		       us / 1000, us % 1000);
	else
		printf("kernel boot time: not measured (not running on skiff)\n");
	if (f != NULL)
		fclose(f);
}

int main(int argc, char **argv)
{
	char **ep;
	const Elf64_auxv_t *aux;
	int i, nenv = 0;

	printf("Hello from skiff!\n");
	printf("argc = %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("  argv[%d] = \"%s\"\n", i, argv[i]);

	/* Count the environment, then step over its NULL to reach auxv. */
	for (ep = environ; *ep != NULL; ep++)
		nenv++;
	printf("envc = %d\n", nenv);

	print_boot_time();

	printf("auxv:\n");
	for (aux = (const Elf64_auxv_t *)(ep + 1); aux->a_type != AT_NULL; aux++)
		print_aux(aux);
	printf("bye\n");
	return 0;
}

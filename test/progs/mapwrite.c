/* test/progs/mapwrite.c — writes a file through a shared mapping (test/volumes: a 9P file's pages must
 * reach the host). mapwrite FILE HOW: FILE is made 3 pages long and page i filled with 'A'+i through
 * MAP_SHARED; then HOW: "munmap" unmaps and exits, "exit" exits with the mapping in place, "msync" calls
 * msync(MS_SYNC), says "synced" and waits to be killed; "wait" says "written" and waits to be killed
 * without msync (tools/skiff --timeout must still bring the pages to the host). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mapwrite FILE munmap|exit|msync\n");
        return 2;
    }
    long pg = sysconf(_SC_PAGESIZE);
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 3 * pg)) {
        perror(argv[1]);
        return 1;
    }
    char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    close(fd);
    for (int i = 0; i < 3; i++)
        memset(m + i * pg, 'A' + i, pg);
    if (!strcmp(argv[2], "munmap"))
        return munmap(m, 3 * pg) ? 1 : 0;
    if (!strcmp(argv[2], "wait")) {
        printf("written\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    if (!strcmp(argv[2], "msync")) {
        if (msync(m, 3 * pg, MS_SYNC)) {
            perror("msync");
            return 1;
        }
        printf("synced\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    return 0;
}

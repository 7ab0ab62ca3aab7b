/* ipc/sysctl.c — the System V IPC limits as /proc/sys/kernel shows them, read from the constants the IPC code
 * enforces (programs and test suites size their work by them: how many queues or segments to make before
 * ENOSPC, the largest message). Read-only: skiff's limits are fixed. */
#include "ipc.h"

int ipc_sysctl_msgmax(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", MSGMAX); }
int ipc_sysctl_msgmnb(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", MSGMNB); }
int ipc_sysctl_msgmni(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", IPC_SLOTS); }
int ipc_sysctl_shmmax(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\n", (u64)SHMMAX); }
int ipc_sysctl_shmall(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\n", (u64)SHMMAX); }
int ipc_sysctl_shmmni(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", IPC_SLOTS); }

/* SEMMSL SEMMNS SEMOPM SEMMNI, tab-separated as Linux prints them */
int ipc_sysctl_sem(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%d\t%d\t%d\t%d\n", SEMMSL, SEMMSL * IPC_SLOTS, SEMOPM, IPC_SLOTS);
}

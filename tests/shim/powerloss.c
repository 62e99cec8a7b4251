/*  powerloss.c: an LD_PRELOAD shim for tests of the journal's durability.

    Only fsync()/fdatasync() of a file named data.mdb are touched:
      WT_POWERLOSS_SNAPSHOT=PATH  after each successful sync, copy data.mdb
                                  to PATH (atomically, by rename): PATH is
                                  then exactly what a power loss at any
                                  moment until the next sync leaves on disk.
      WT_FSYNC_FAIL_AFTER=N       syncs after the first N fail with EIO (the
                                  disk reports a write error).
      WT_FSYNC_HOLD=PATH          while the file PATH exists, a sync waits
                                  (a slow disk held still by the test); the
                                  shim creates PATH.held when one does (at
                                  most 120 s, then it goes on).
      WT_POWERLOSS_COMMITS=PATH   count LMDB's meta-page writes (a pwrite
                                  into the first two pages of data.mdb: one
                                  per commit) between two successful syncs;
                                  PATH holds "MAX SYNCS": the most commits
                                  one sync covered (the first sync, which
                                  also covers the file's creation, aside)
                                  and the syncs so far.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*sync_fn)(int);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
static long s_syncs;
static long s_metas, s_metas_max, s_synced; /* WT_POWERLOSS_COMMITS */

static int s_is_data(int fd, char *path, size_t len)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, len - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    size_t l = (size_t)n;
    return l >= 9 && strcmp(path + l - 9, "/data.mdb") == 0;
}

static void s_snapshot(const char *from)
{
    const char *to = getenv("WT_POWERLOSS_SNAPSHOT");
    if (!to) return;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", to);
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in >= 0 && out >= 0) {
        char buf[65536];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n) break;
    }
    if (in >= 0) close(in);
    if (out >= 0) {
        close(out);
        rename(tmp, to);
    }
}

/* WT_FSYNC_HOLD: wait while the file exists, saying so in PATH.held. */
static void s_hold(void)
{
    const char *hold = getenv("WT_FSYNC_HOLD");
    if (!hold || access(hold, F_OK) != 0) return;
    char held[4200];
    snprintf(held, sizeof held, "%s.held", hold);
    int fd = open(held, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
    for (int i = 0; i < 120000 && access(hold, F_OK) == 0; i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* WT_POWERLOSS_COMMITS: one more meta-page write when fd is data.mdb and
   off is in its first two pages (LMDB's meta pages). Any thread. */
static void s_count_meta(int fd, off_t off)
{
    if (!getenv("WT_POWERLOSS_COMMITS") || off >= 2 * sysconf(_SC_PAGESIZE)) return;
    char path[4096];
    if (s_is_data(fd, path, sizeof path)) __atomic_add_fetch(&s_metas, 1, __ATOMIC_SEQ_CST);
}

/* After a successful sync: the commits it covered, the most so far in PATH. */
static void s_count_sync(void)
{
    const char *to = getenv("WT_POWERLOSS_COMMITS");
    if (!to) return;
    long n = __atomic_exchange_n(&s_metas, 0, __ATOMIC_SEQ_CST);
    /* the first sync also covers the file's creation (LMDB writes its
       initial meta pages): it is not counted */
    if (++s_synced > 1 && n > s_metas_max) s_metas_max = n;
    char tmp[4200], line[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", to);
    int len = snprintf(line, sizeof line, "%ld %ld\n", s_metas_max, s_synced);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) return;
    int ok = write(out, line, (size_t)len) == len;
    close(out);
    if (ok) rename(tmp, to);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static pwrite_fn real;
    if (!real) real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
    s_count_meta(fd, off);
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    static pwrite_fn real;
    if (!real) real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
    s_count_meta(fd, off);
    return real(fd, buf, n, off);
}

static int s_sync(int fd, const char *name)
{
    sync_fn real = (sync_fn)dlsym(RTLD_NEXT, name);
    char path[4096];
    if (!s_is_data(fd, path, sizeof path)) return real(fd);
    const char *fail = getenv("WT_FSYNC_FAIL_AFTER");
    if (fail && ++s_syncs > atol(fail)) {
        errno = EIO;
        return -1;
    }
    s_hold();
    int rc = real(fd);
    if (rc == 0) {
        s_snapshot(path);
        s_count_sync();
    }
    return rc;
}

int fsync(int fd)
{
    return s_sync(fd, "fsync");
}

int fdatasync(int fd)
{
    return s_sync(fd, "fdatasync");
}

/*  fsynchold.c: an LD_PRELOAD shim that holds the journal's fsyncs, so that
    a test can look at what a program does while one is under way.

    Only fsync()/fdatasync() of a file named data.mdb are touched. Syncs are
    numbered from 1 in the order they start.
      WT_FSYNC_HOLD=PATH    while PATH exists and holds a number N, sync
                            number N+1 and later wait (PATH is re-read every
                            millisecond): the test lets them through one by
                            one by writing a larger N, or all by removing PATH
      WT_FSYNC_STATUS=PATH  PATH says "held K" while sync K waits, then
                            "done K" once it returned (written atomically)
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*sync_fn)(int);
static long s_started;

static int s_is_data(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return n >= 9 && strcmp(path + n - 9, "/data.mdb") == 0;
}

/* The number in the hold file; -1 when there is none (nothing is held). */
static long s_allowed(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return strtol(buf, NULL, 10);
}

static void s_status(const char *what, long k)
{
    const char *path = getenv("WT_FSYNC_STATUS");
    if (!path) return;
    char tmp[4200], line[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    int len = snprintf(line, sizeof line, "%s %ld\n", what, k);
    if (write(fd, line, (size_t)len) != len) {
        close(fd);
        return;
    }
    close(fd);
    rename(tmp, path);
}

static int s_sync(int fd, const char *name)
{
    sync_fn real = (sync_fn)dlsym(RTLD_NEXT, name);
    if (!s_is_data(fd)) return real(fd);
    long k = ++s_started;
    const char *hold = getenv("WT_FSYNC_HOLD");
    for (int said = 0;; said = 1) {
        long allowed = hold ? s_allowed(hold) : -1;
        if (allowed < 0 || k <= allowed) break;
        if (!said) s_status("held", k);
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
    }
    int rc = real(fd);
    s_status("done", k);
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

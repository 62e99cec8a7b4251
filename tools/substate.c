/*  substate.c: the saved position of `wiretag sub --state FILE`.

    FILE holds one decimal number and a newline: the last result sequence
    the subscriber handled (printed, or skipped by a filter). It is
    replaced atomically (FILE.tmp + rename) after the output it covers was
    flushed, so a restart may repeat the last results printed before a
    crash but never skips one.
*/
#include "substate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wt_sub_state_load(const char *path, uint64_t *last, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read %s", path);
        return -1;
    }
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    if (n == 0) return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || *end || buf[0] < '0' || buf[0] > '9') {
        snprintf(err, errlen,
                 "%s does not hold a result sequence ('%.20s'); remove it to start again from "
                 "--from",
                 path, buf);
        return -1;
    }
    *last = v;
    return 1;
}

int wt_sub_state_save(const char *path, uint64_t last, char *err, size_t errlen)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        int w = fprintf(f, "%llu\n", (unsigned long long)last);
        int c = fclose(f);
        if (w > 0 && c == 0 && rename(tmp, path) == 0) rc = 0;
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/*  common.c: allocation that aborts on out-of-memory, error names, clocks,
    UTF-8 validation and hashing shared by every module. */
#include "wiretag/common.h"
#include "wiretag/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void s_oom(size_t size)
{
    fprintf(stderr, "wiretag: out of memory allocating %zu bytes\n", size);
    abort();
}

void *wt_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) s_oom(size);
    return p;
}

void *wt_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) s_oom(n * size);
    return p;
}

void *wt_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) s_oom(size);
    return p;
}

char *wt_strdup(const char *s)
{
    return s ? wt_strndup(s, strlen(s)) : NULL;
}

char *wt_strndup(const char *s, size_t n)
{
    char *p = wt_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void wt_grow(void *arr_p, size_t *cap, size_t need, size_t esz)
{
    if (need <= *cap) return;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void **arr = arr_p;
    *arr = wt_realloc(*arr, ncap * esz);
    *cap = ncap;
}

int64_t wt_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t wt_clock_ms(void)
{
    return wt_clock_us() / 1000;
}

int64_t wt_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t wt_utf8_bad(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* News text is mostly ASCII: skip it eight bytes at a time (memcpy
           is the portable unaligned load; compilers make it one move). */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = wt_utf8_seq(s + i, n - i, &cp);
        if (!k) return i;
        i += k;
    }
    return n;
}

bool wt_utf8_valid(const char *str, size_t n)
{
    return wt_utf8_bad(str, n) == n;
}

uint64_t wt_hash64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static const struct {
    int code;
    const char *name;
    const char *text;
} s_errors[] = {
    {WT_ETRUNCATED, "ETRUNCATED", "input ends inside a value"},
    {WT_ETYPE, "ETYPE", "a value has the wrong type"},
    {WT_EMISSING, "EMISSING", "a required key is missing"},
    {WT_ETOOBIG, "ETOOBIG", "a size limit is exceeded"},
    {WT_ECOUNT, "ECOUNT", "a container count exceeds the bytes left"},
    {WT_EDEPTH, "EDEPTH", "nesting is too deep"},
    {WT_ETRAILING, "ETRAILING", "trailing bytes after the value"},
    {WT_EUTF8, "EUTF8", "invalid UTF-8 in a string"},
    {WT_ENUL, "ENUL", "NUL byte inside a string"},
    {WT_EEMPTY, "EEMPTY", "a required string is empty"},
    {WT_EDUPKEY, "EDUPKEY", "a map key occurs twice"},
    {WT_EBADKEY, "EBADKEY", "a map key is not a string"},
    {WT_EVALUE, "EVALUE", "a value is malformed or out of range"},
    {WT_ESYNTAX, "ESYNTAX", "malformed input"},
    {WT_EVERSION, "EVERSION", "unsupported protocol version"},
    {WT_ECOMMAND, "ECOMMAND", "unknown command"},
    {WT_EFRAMES, "EFRAMES", "wrong number of frames"},
    {WT_ESEQ, "ESEQ", "unknown or already finished sequence number"},
    {WT_EDUPLICATE, "EDUPLICATE", "duplicate item id"},
    {WT_EFULL, "EFULL", "queue full, retry later"},
    {WT_EJOURNAL, "EJOURNAL", "journal write failed"},
    {WT_EDEAD, "EDEAD", "item dead-lettered"},
    {WT_EAUTH, "EAUTH", "authentication refused"},
    {WT_ECONFIG, "ECONFIG", "configuration error"},
    {WT_EDICT, "EDICT", "dictionary error"},
};

static const struct {
    int code;
    const char *name;
} s_errnos[] = {
    {EINVAL, "EINVAL"},       {ENOMEM, "ENOMEM"}, {EPROTO, "EPROTO"}, {EMSGSIZE, "EMSGSIZE"},
    {ETIMEDOUT, "ETIMEDOUT"}, {ENOENT, "ENOENT"}, {EIO, "EIO"},       {EAGAIN, "EAGAIN"},
    {EACCES, "EACCES"},       {EEXIST, "EEXIST"}, {ENOSPC, "ENOSPC"}, {ECANCELED, "ECANCELED"},
};

const char *wt_strerror(int code)
{
    if (code == 0) return "success";
    for (size_t i = 0; i < sizeof s_errors / sizeof s_errors[0]; i++)
        if (s_errors[i].code == code) return s_errors[i].text;
    if (code < 0 && code > WT_EFIRST) return strerror(-code);
    return "unknown error";
}

const char *wt_errname(int code)
{
    if (code == 0) return "OK";
    for (size_t i = 0; i < sizeof s_errors / sizeof s_errors[0]; i++)
        if (s_errors[i].code == code) return s_errors[i].name;
    for (size_t i = 0; i < sizeof s_errnos / sizeof s_errnos[0]; i++)
        if (-s_errnos[i].code == code) return s_errnos[i].name;
    return "EUNKNOWN";
}

bool wt_int_arg(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v < lo || v > hi) return false;
    *out = v;
    return true;
}

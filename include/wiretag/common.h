/*  common.h: memory, error codes and small helpers shared by every module.

    Fallible functions return 0 or a negative code: either a negated errno
    (-EINVAL, -ENOMEM, ...) or one of the WT_E* project codes below, which sit
    far below errno's range so that the two never collide. wt_strerror()
    names both. Out-of-memory aborts through wt_malloc & co: callers never
    check for NULL from them.
*/
#ifndef WT_COMMON_H
#define WT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WT_VERSION
#define WT_VERSION "0.1.0"
#endif

/* Project error codes (negative). Keep in sync with wt_strerror(). */
enum {
    WT_EFIRST = -10000,
    /* decoding (MessagePack / JSON) */
    WT_ETRUNCATED = -10000, /* input ends inside a value */
    WT_ETYPE = -10001,      /* a value has the wrong type */
    WT_EMISSING = -10002,   /* a required key is absent */
    WT_ETOOBIG = -10003,    /* a size limit is exceeded */
    WT_ECOUNT = -10004,     /* a container count exceeds the bytes left */
    WT_EDEPTH = -10005,     /* nesting deeper than WT_MAX_DEPTH */
    WT_ETRAILING = -10006,  /* bytes after the value */
    WT_EUTF8 = -10007,      /* invalid UTF-8 in a string */
    WT_ENUL = -10008,       /* NUL byte inside a string */
    WT_EEMPTY = -10009,     /* required string is empty */
    WT_EDUPKEY = -10010,    /* a map key occurs twice */
    WT_EBADKEY = -10011,    /* a key is not a string */
    WT_EVALUE = -10012,     /* a value is out of range or malformed (dates, enums) */
    WT_ESYNTAX = -10013,    /* not well-formed JSON / MessagePack */
    /* protocol */
    WT_EVERSION = -10020,   /* wrong protocol version */
    WT_ECOMMAND = -10021,   /* unknown command */
    WT_EFRAMES = -10022,    /* wrong number of frames */
    WT_ESEQ = -10023,       /* unknown or finished sequence number */
    WT_EDUPLICATE = -10024, /* duplicate item id (already accepted) */
    WT_EFULL = -10025,      /* queue / window full, retry later */
    WT_EJOURNAL = -10026,   /* journal write failed */
    WT_EDEAD = -10027,      /* item dead-lettered */
    WT_EAUTH = -10028,      /* authentication refused */
    /* configuration / dictionaries */
    WT_ECONFIG = -10040, /* configuration error (details in the error text) */
    WT_EDICT = -10041,   /* dictionary error */
    WT_ELAST = -10099
};

#define WT_MAX_DEPTH 32

/* Name of a code returned by any wiretag function (negative errno or WT_E*). */
const char *wt_strerror(int code);
/* Short stable identifier of a code ("ETRUNCATED", "EINVAL"): for wire NAKs. */
const char *wt_errname(int code);

/* Allocation: abort with a message on out-of-memory. */
void *wt_malloc(size_t size);
void *wt_calloc(size_t n, size_t size);
void *wt_realloc(void *ptr, size_t size);
char *wt_strdup(const char *s);
char *wt_strndup(const char *s, size_t n);
/* Grow *arr (element size esz) so that it holds at least need elements. */
void wt_grow(void *arr_p, size_t *cap, size_t need, size_t esz);

/* A command-line integer: all of s is a decimal number in [lo, hi]. True and
 *out set, or false (the caller says which option wants what). */
bool wt_int_arg(const char *s, long long lo, long long hi, long long *out);

/* Monotonic clock in microseconds / milliseconds. */
int64_t wt_clock_us(void);
int64_t wt_clock_ms(void);
/* Wall clock in milliseconds since the epoch. */
int64_t wt_time_ms(void);

/* UTF-8: true when [s, s+n) is valid UTF-8 (no overlongs, no surrogates). */
bool wt_utf8_valid(const char *s, size_t n);
/* UTF-8: the offset of the first byte of [s, s+n) that does not start a
   well-formed sequence (wt_utf8_seq), or n when it is all valid. */
size_t wt_utf8_bad(const char *s, size_t n);

/* 64-bit FNV-1a hash. */
uint64_t wt_hash64(const void *data, size_t n);

#ifdef __cplusplus
}
#endif
#endif

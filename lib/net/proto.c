/*  proto.c: encoder, strict decoder and ZeroMQ framing of the wiretag
    protocol header (see include/wiretag/proto.h and docs/PROTOCOL.md).

    The decoder is a small hand-written MessagePack reader rather than
    msgpack-c's unpacker: the header is hostile input, and the reader checks
    every count against the bytes left before it trusts it, so a 5-byte
    frame can never make us allocate gigabytes. It never logs.
*/
#include "wiretag/proto.h"

#include <stdlib.h>
#include <string.h>

static const char *const s_cmd_names[WT_CMD_COUNT_] = {
    [WT_CMD_NONE] = "?",
    [WT_CMD_PUT] = "PUT",
    [WT_CMD_ACK] = "ACK",
    [WT_CMD_NAK] = "NAK",
    [WT_CMD_PING] = "PING",
    [WT_CMD_PONG] = "PONG",
    [WT_CMD_READY] = "READY",
    [WT_CMD_JOB] = "JOB",
    [WT_CMD_DONE] = "DONE",
    [WT_CMD_FAIL] = "FAIL",
    [WT_CMD_CREDIT] = "CREDIT",
    [WT_CMD_HB] = "HB",
    [WT_CMD_BYE] = "BYE",
    [WT_CMD_ERROR] = "ERROR",
    [WT_CMD_RESULT] = "RESULT",
    [WT_CMD_REPLAY] = "REPLAY",
    [WT_CMD_REPLAY_END] = "REPLAY_END",
    [WT_CMD_STATS] = "STATS",
    [WT_CMD_DEAD] = "DEAD",
    [WT_CMD_DEAD_ITEM] = "DEAD_ITEM",
    [WT_CMD_DEAD_END] = "DEAD_END",
    [WT_CMD_REQUEUE] = "REQUEUE",
    [WT_CMD_REQUEUED] = "REQUEUED",
};

/* Required fields per command (decoder) */
static const uint32_t s_required[WT_CMD_COUNT_] = {
    [WT_CMD_PUT] = WT_F_CORR,
    [WT_CMD_ACK] = WT_F_CORR | WT_F_ID | WT_F_SEQ,
    [WT_CMD_NAK] = WT_F_CODE,
    [WT_CMD_READY] = WT_F_CREDIT,
    [WT_CMD_JOB] = WT_F_JOB | WT_F_ATTEMPT,
    [WT_CMD_DONE] = WT_F_JOB,
    [WT_CMD_FAIL] = WT_F_JOB | WT_F_CODE,
    [WT_CMD_CREDIT] = WT_F_CREDIT,
    [WT_CMD_ERROR] = WT_F_CODE,
    [WT_CMD_RESULT] = WT_F_SEQ,
    [WT_CMD_REPLAY] = WT_F_FROM,
    [WT_CMD_REPLAY_END] = WT_F_NEXT | WT_F_LAST,
    [WT_CMD_DEAD_ITEM] = WT_F_SEQ | WT_F_ID,
    [WT_CMD_DEAD_END] = WT_F_NEXT,
    [WT_CMD_REQUEUE] = WT_F_SEQ,
    [WT_CMD_REQUEUED] = WT_F_SEQ,
};

const char *wt_proto_cmd_name(wt_cmd_t cmd)
{
    if ((int)cmd <= WT_CMD_NONE || cmd >= WT_CMD_COUNT_) return "?";
    return s_cmd_names[cmd];
}

wt_cmd_t wt_proto_cmd_parse(const char *name, size_t len)
{
    for (int c = WT_CMD_NONE + 1; c < WT_CMD_COUNT_; c++)
        if (strlen(s_cmd_names[c]) == len && memcmp(s_cmd_names[c], name, len) == 0)
            return (wt_cmd_t)c;
    return WT_CMD_NONE;
}

void wt_proto_clear(wt_proto_t *msg)
{
    free(msg->id);
    free(msg->code);
    free(msg->reason);
    free(msg->name);
    free(msg->dictionaries);
    free(msg->jobs);
    free(msg->stats);
    free(msg->role);
    memset(msg, 0, sizeof *msg);
}

void wt_proto_init(wt_proto_t *msg, wt_cmd_t cmd)
{
    wt_proto_clear(msg);
    msg->cmd = cmd;
    msg->version = WT_PROTO_VERSION;
}

static void s_set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? wt_strdup(s) : NULL;
}

void wt_proto_set_id(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->id, s);
    msg->has |= WT_F_ID;
}

void wt_proto_set_code(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->code, s);
    msg->has |= WT_F_CODE;
}

void wt_proto_set_reason(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->reason, s);
    msg->has |= WT_F_REASON;
}

void wt_proto_set_name(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->name, s);
    msg->has |= WT_F_NAME;
}

void wt_proto_set_dictionaries(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->dictionaries, s);
    msg->has |= WT_F_DICTIONARIES;
}

void wt_proto_set_role(wt_proto_t *msg, const char *s)
{
    s_set_str(&msg->role, s);
    msg->has |= WT_F_ROLE;
}

void wt_proto_set_jobs(wt_proto_t *msg, const uint64_t *jobs, size_t n)
{
    free(msg->jobs);
    msg->jobs = n ? wt_malloc(n * sizeof *jobs) : NULL;
    if (n) memcpy(msg->jobs, jobs, n * sizeof *jobs);
    msg->job_count = n;
    msg->has |= WT_F_JOBS;
}

void wt_proto_set_stats(wt_proto_t *msg, const uint8_t *stats, size_t n)
{
    free(msg->stats);
    msg->stats = wt_malloc(n ? n : 1);
    memcpy(msg->stats, stats, n);
    msg->stats_len = n;
    msg->has |= WT_F_STATS;
}

void wt_proto_set_error(wt_proto_t *msg, int code, const char *reason)
{
    wt_proto_set_code(msg, wt_errname(code));
    wt_proto_set_reason(msg, reason ? reason : wt_strerror(code));
}

/* ---------------------------------------------------------------- encoder */

static void s_put_u8(wt_buf_t *b, uint8_t v)
{
    wt_buf_append(b, &v, 1);
}

static void s_put_be(wt_buf_t *b, uint8_t tag, uint64_t v, int bytes)
{
    uint8_t tmp[9];
    tmp[0] = tag;
    for (int i = 0; i < bytes; i++)
        tmp[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    wt_buf_append(b, tmp, (size_t)bytes + 1);
}

static void s_put_uint(wt_buf_t *b, uint64_t v)
{
    if (v < 128)
        s_put_u8(b, (uint8_t)v);
    else if (v <= 0xff)
        s_put_be(b, 0xcc, v, 1);
    else if (v <= 0xffff)
        s_put_be(b, 0xcd, v, 2);
    else if (v <= 0xffffffffu)
        s_put_be(b, 0xce, v, 4);
    else
        s_put_be(b, 0xcf, v, 8);
}

static void s_put_strn(wt_buf_t *b, const char *s, size_t n)
{
    if (n < 32)
        s_put_u8(b, (uint8_t)(0xa0 | n));
    else if (n <= 0xff)
        s_put_be(b, 0xd9, n, 1);
    else if (n <= 0xffff)
        s_put_be(b, 0xda, n, 2);
    else
        s_put_be(b, 0xdb, n, 4);
    wt_buf_append(b, s, n);
}

static void s_put_str(wt_buf_t *b, const char *s)
{
    s_put_strn(b, s ? s : "", s ? strlen(s) : 0);
}

static void s_put_container(wt_buf_t *b, bool map, size_t n)
{
    if (n < 16)
        s_put_u8(b, (uint8_t)((map ? 0x80 : 0x90) | n));
    else if (n <= 0xffff)
        s_put_be(b, map ? 0xde : 0xdc, n, 2);
    else
        s_put_be(b, map ? 0xdf : 0xdd, n, 4);
}

/* Field table shared by encoder and decoder. */
typedef enum { S_U64, S_U32, S_STR, S_BOOL, S_JOBS, S_STATS } s_type_t;
typedef struct {
    const char *key;
    uint32_t bit;
    s_type_t type;
    size_t off;
    size_t max; /* strings: max bytes */
} s_field_t;

#define F(k, bit, t, member, mx)                                                                   \
    {                                                                                              \
        k, bit, t, offsetof(wt_proto_t, member), mx                                                \
    }
static const s_field_t s_fields[] = {
    F("corr", WT_F_CORR, S_U64, corr, 0),
    F("seq", WT_F_SEQ, S_U64, seq, 0),
    F("job", WT_F_JOB, S_U64, job, 0),
    F("attempt", WT_F_ATTEMPT, S_U32, attempt, 0),
    F("credit", WT_F_CREDIT, S_U32, credit, 0),
    F("id", WT_F_ID, S_STR, id, WT_PROTO_MAX_STR),
    F("code", WT_F_CODE, S_STR, code, WT_PROTO_MAX_STR),
    F("reason", WT_F_REASON, S_STR, reason, WT_PROTO_MAX_REASON),
    F("name", WT_F_NAME, S_STR, name, WT_PROTO_MAX_STR),
    F("threads", WT_F_THREADS, S_U32, threads, 0),
    F("dictionaries", WT_F_DICTIONARIES, S_STR, dictionaries, WT_PROTO_MAX_STR),
    F("jobs", WT_F_JOBS, S_JOBS, jobs, 0),
    F("dup", WT_F_DUP, S_BOOL, dup, 0),
    F("from", WT_F_FROM, S_U64, from, 0),
    F("count", WT_F_COUNT, S_U32, count, 0),
    F("next", WT_F_NEXT, S_U64, next, 0),
    F("last", WT_F_LAST, S_U64, last, 0),
    F("first", WT_F_FIRST, S_U64, first, 0),
    F("attempts", WT_F_ATTEMPTS, S_U32, attempts, 0),
    F("stats", WT_F_STATS, S_STATS, stats, 0),
    F("annotate_us", WT_F_ANNOTATE_US, S_U64, annotate_us, 0),
    F("role", WT_F_ROLE, S_STR, role, WT_PROTO_MAX_STR),
    F("epoch", WT_F_EPOCH, S_U64, epoch, 0),
};
#undef F
#define S_NFIELDS (sizeof s_fields / sizeof s_fields[0])

void wt_proto_encode(const wt_proto_t *msg, wt_buf_t *out)
{
    size_t n = 2;
    for (size_t i = 0; i < S_NFIELDS; i++)
        if (msg->has & s_fields[i].bit) n++;
    s_put_container(out, true, n);
    s_put_str(out, "v");
    s_put_uint(out, WT_PROTO_VERSION);
    s_put_str(out, "cmd");
    s_put_str(out, wt_proto_cmd_name(msg->cmd));
    for (size_t i = 0; i < S_NFIELDS; i++) {
        const s_field_t *f = &s_fields[i];
        if (!(msg->has & f->bit)) continue;
        const char *base = (const char *)msg + f->off;
        s_put_str(out, f->key);
        switch (f->type) {
        case S_U64:
            s_put_uint(out, *(const uint64_t *)base);
            break;
        case S_U32:
            s_put_uint(out, *(const uint32_t *)base);
            break;
        case S_STR:
            s_put_str(out, *(char *const *)base);
            break;
        case S_BOOL:
            s_put_u8(out, *(const bool *)base ? 0xc3 : 0xc2);
            break;
        case S_JOBS:
            s_put_container(out, false, msg->job_count);
            for (size_t j = 0; j < msg->job_count; j++)
                s_put_uint(out, msg->jobs[j]);
            break;
        case S_STATS:
            if (msg->stats && msg->stats_len)
                wt_buf_append(out, msg->stats, msg->stats_len);
            else
                s_put_container(out, true, 0);
            break;
        }
    }
}

/* ---------------------------------------------------------------- decoder */

typedef struct {
    const uint8_t *p, *end;
} s_cur_t;

static size_t s_left(const s_cur_t *c)
{
    return (size_t)(c->end - c->p);
}

static int s_be(s_cur_t *c, int bytes, uint64_t *v)
{
    if (s_left(c) < (size_t)bytes) return WT_ETRUNCATED;
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++)
        x = (x << 8) | c->p[i];
    c->p += bytes;
    *v = x;
    return 0;
}

/* Kinds of MessagePack values we distinguish. */
typedef enum {
    K_NIL,
    K_BOOL,
    K_UINT,
    K_NEGINT,
    K_FLOAT,
    K_STR,
    K_BIN,
    K_EXT,
    K_ARRAY,
    K_MAP
} s_kind_t;

/* Read the head of one value: kind, and for ints the value, for
   str/bin/ext/array/map the length or count. Never trusts a count. */
static int s_head(s_cur_t *c, s_kind_t *kind, uint64_t *v)
{
    if (s_left(c) < 1) return WT_ETRUNCATED;
    uint8_t t = *c->p++;
    *v = 0;
    if (t <= 0x7f) {
        *kind = K_UINT;
        *v = t;
        return 0;
    }
    if (t >= 0xe0) {
        *kind = K_NEGINT;
        return 0;
    }
    if ((t & 0xf0) == 0x80) {
        *kind = K_MAP;
        *v = t & 0x0f;
        return 0;
    }
    if ((t & 0xf0) == 0x90) {
        *kind = K_ARRAY;
        *v = t & 0x0f;
        return 0;
    }
    if ((t & 0xe0) == 0xa0) {
        *kind = K_STR;
        *v = t & 0x1f;
        return 0;
    }
    switch (t) {
    case 0xc0:
        *kind = K_NIL;
        return 0;
    case 0xc2:
    case 0xc3:
        *kind = K_BOOL;
        *v = t == 0xc3;
        return 0;
    case 0xc4:
    case 0xc5:
    case 0xc6:
        *kind = K_BIN;
        return s_be(c, 1 << (t - 0xc4), v);
    case 0xc7:
    case 0xc8:
    case 0xc9: {
        *kind = K_EXT;
        int rc = s_be(c, 1 << (t - 0xc7), v);
        if (rc) return rc;
        *v += 1; /* type byte */
        return 0;
    }
    case 0xca:
        *kind = K_FLOAT;
        return s_be(c, 4, v);
    case 0xcb:
        *kind = K_FLOAT;
        return s_be(c, 8, v);
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
        *kind = K_UINT;
        return s_be(c, 1 << (t - 0xcc), v);
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
        int bytes = 1 << (t - 0xd0);
        int rc = s_be(c, bytes, v);
        if (rc) return rc;
        /* a signed int: non-negative values are accepted as unsigned */
        uint64_t sign = (uint64_t)1 << (8 * bytes - 1);
        *kind = (*v & sign) ? K_NEGINT : K_UINT;
        return 0;
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
        *kind = K_EXT;
        *v = 1 + ((uint64_t)1 << (t - 0xd4));
        return 0;
    case 0xd9:
    case 0xda:
    case 0xdb:
        *kind = K_STR;
        return s_be(c, 1 << (t - 0xd9), v);
    case 0xdc:
    case 0xdd:
        *kind = K_ARRAY;
        return s_be(c, 2 << (t - 0xdc), v);
    case 0xde:
    case 0xdf:
        *kind = K_MAP;
        return s_be(c, 2 << (t - 0xde), v);
    default: /* 0xc1 is never used */
        return WT_ESYNTAX;
    }
}

static int s_skip(s_cur_t *c, int depth)
{
    if (depth > WT_MAX_DEPTH) return WT_EDEPTH;
    s_kind_t k;
    uint64_t v;
    int rc = s_head(c, &k, &v);
    if (rc) return rc;
    switch (k) {
    case K_STR:
    case K_BIN:
    case K_EXT:
        if (v > s_left(c)) return WT_ETRUNCATED;
        c->p += v;
        return 0;
    case K_ARRAY:
    case K_MAP: {
        uint64_t items = k == K_MAP ? v * 2 : v;
        if (items > s_left(c)) return WT_ECOUNT;
        for (uint64_t i = 0; i < items; i++)
            if ((rc = s_skip(c, depth + 1))) return rc;
        return 0;
    }
    default:
        return 0;
    }
}

/* Read a string value; *s points into the input. */
static int s_str(s_cur_t *c, const char **s, size_t *len, int *type_err)
{
    s_kind_t k;
    uint64_t v;
    const uint8_t *start = c->p;
    int rc = s_head(c, &k, &v);
    if (rc) return rc;
    if (k != K_STR) {
        c->p = start;
        *type_err = WT_ETYPE;
        return s_skip(c, 1);
    }
    if (v > s_left(c)) return WT_ETRUNCATED;
    *s = (const char *)c->p;
    *len = (size_t)v;
    c->p += v;
    return 0;
}

/* Check a decoded string; returns 0 or a WT_E code (deferred). */
static int s_check_str(const char *s, size_t len, size_t max)
{
    if (len > max) return WT_ETOOBIG;
    if (memchr(s, 0, len)) return WT_ENUL;
    if (!wt_utf8_valid(s, len)) return WT_EUTF8;
    return 0;
}

static int s_uint(s_cur_t *c, uint64_t *out, int *type_err)
{
    s_kind_t k;
    uint64_t v;
    const uint8_t *start = c->p;
    int rc = s_head(c, &k, &v);
    if (rc) return rc;
    if (k != K_UINT) {
        c->p = start;
        *type_err = WT_ETYPE;
        return s_skip(c, 1);
    }
    *out = v;
    return 0;
}

static void s_defer(int *first, int rc)
{
    if (rc && !*first) *first = rc;
}

/* The jobs array: unsigned integers, at most WT_PROTO_MAX_JOBS. */
static int s_jobs(s_cur_t *c, wt_proto_t *msg, int *terr)
{
    s_kind_t k;
    int rc;
    const uint8_t *start = c->p;
    uint64_t cnt;
    if ((rc = s_head(c, &k, &cnt))) return rc;
    if (k != K_ARRAY) {
        c->p = start;
        *terr = WT_ETYPE;
        if ((rc = s_skip(c, 1))) return rc;
        return 0;
    }
    if (cnt > s_left(c)) return WT_ECOUNT;
    if (cnt > WT_PROTO_MAX_JOBS) {
        *terr = WT_ETOOBIG;
        for (uint64_t j = 0; j < cnt; j++)
            if ((rc = s_skip(c, 2))) return rc;
        return 0;
    }
    msg->jobs = wt_malloc(cnt ? cnt * sizeof(uint64_t) : 1);
    msg->job_count = 0;
    for (uint64_t j = 0; j < cnt; j++) {
        uint64_t v = 0;
        int e = 0;
        if ((rc = s_uint(c, &v, &e))) return rc;
        if (e)
            *terr = e;
        else
            msg->jobs[msg->job_count++] = v;
    }
    return 0;
}

/* The value of the known field f into msg. Returns a decoding error (the
   message is unreadable); a type or value error of the field goes to *terr
   and the value is skipped. */
static int s_value(s_cur_t *c, const s_field_t *f, wt_proto_t *msg, int *terr)
{
    char *base = (char *)msg + f->off;
    s_kind_t k;
    int rc;
    switch (f->type) {
    case S_U64:
    case S_U32: {
        uint64_t v = 0;
        if ((rc = s_uint(c, &v, terr))) return rc;
        if (!*terr && f->type == S_U32 && v > UINT32_MAX) *terr = WT_EVALUE;
        if (!*terr) {
            if (f->type == S_U64)
                *(uint64_t *)base = v;
            else
                *(uint32_t *)base = (uint32_t)v;
        }
        break;
    }
    case S_STR: {
        const char *s = NULL;
        size_t len = 0;
        if ((rc = s_str(c, &s, &len, terr))) return rc;
        if (!*terr) *terr = s_check_str(s, len, f->max);
        if (!*terr) *(char **)base = wt_strndup(s, len);
        break;
    }
    case S_BOOL: {
        const uint8_t *start = c->p;
        uint64_t v;
        if ((rc = s_head(c, &k, &v))) return rc;
        if (k != K_BOOL) {
            c->p = start;
            *terr = WT_ETYPE;
            if ((rc = s_skip(c, 1))) return rc;
        } else {
            *(bool *)base = v != 0;
        }
        break;
    }
    case S_JOBS:
        return s_jobs(c, msg, terr);
    case S_STATS: {
        const uint8_t *start = c->p;
        uint64_t cnt;
        if ((rc = s_head(c, &k, &cnt))) return rc;
        c->p = start;
        if ((rc = s_skip(c, 1))) return rc;
        if (k != K_MAP) {
            *terr = WT_ETYPE;
            break;
        }
        size_t len = (size_t)(c->p - start);
        msg->stats = wt_malloc(len);
        memcpy(msg->stats, start, len);
        msg->stats_len = len;
        break;
    }
    }
    return 0;
}

int wt_proto_decode(const uint8_t *data, size_t n, wt_proto_t *msg)
{
    wt_proto_init(msg, WT_CMD_NONE);
    msg->version = 0;
    if (n > WT_PROTO_MAX_HEADER) return WT_ETOOBIG;
    s_cur_t c = {data, data + n};
    s_kind_t k;
    uint64_t pairs;
    int rc = s_head(&c, &k, &pairs);
    if (rc) return rc;
    if (k != K_MAP) return WT_ETYPE;
    if (pairs * 2 > s_left(&c)) return WT_ECOUNT;

    bool has_v = false, has_cmd = false, v_ok = false;
    int field_err = 0; /* first type/value error of a known field */
    const char *cmd_s = NULL;
    size_t cmd_len = 0;
    uint32_t seen = 0;

    for (uint64_t i = 0; i < pairs; i++) {
        const char *key;
        size_t klen;
        int key_err = 0;
        if ((rc = s_str(&c, &key, &klen, &key_err))) return rc;
        if (key_err) {
            s_defer(&field_err, WT_EBADKEY);
            if ((rc = s_skip(&c, 1))) return rc;
            continue;
        }
        if (klen == 1 && key[0] == 'v') {
            if (has_v) s_defer(&field_err, WT_EDUPKEY);
            has_v = true;
            uint64_t v = 0;
            int terr = 0;
            if ((rc = s_uint(&c, &v, &terr))) return rc;
            v_ok = !terr && v == WT_PROTO_VERSION;
            msg->version = terr ? 0 : (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
            continue;
        }
        if (klen == 3 && memcmp(key, "cmd", 3) == 0) {
            if (has_cmd) s_defer(&field_err, WT_EDUPKEY);
            has_cmd = true;
            int terr = 0;
            if ((rc = s_str(&c, &cmd_s, &cmd_len, &terr))) return rc;
            if (terr) {
                cmd_s = NULL;
                s_defer(&field_err, WT_ETYPE);
            } else {
                msg->cmd = wt_proto_cmd_parse(cmd_s, cmd_len); /* for the caller's log */
            }
            continue;
        }
        const s_field_t *f = NULL;
        for (size_t j = 0; j < S_NFIELDS; j++)
            if (strlen(s_fields[j].key) == klen && memcmp(s_fields[j].key, key, klen) == 0) {
                f = &s_fields[j];
                break;
            }
        if (!f) { /* unknown key: skip, but it must be well-formed */
            if ((rc = s_skip(&c, 1))) return rc;
            continue;
        }
        if (seen & f->bit) {
            s_defer(&field_err, WT_EDUPKEY);
            if ((rc = s_skip(&c, 1))) return rc;
            continue;
        }
        seen |= f->bit;
        int terr = 0;
        if ((rc = s_value(&c, f, msg, &terr))) return rc;
        if (terr)
            s_defer(&field_err, terr);
        else
            msg->has |= f->bit;
    }
    if (c.p != c.end) return WT_ETRAILING;
    if (!has_v) return WT_EMISSING;
    if (!v_ok) return WT_EVERSION;
    if (!has_cmd) return WT_EMISSING;
    if (cmd_s) {
        msg->cmd = wt_proto_cmd_parse(cmd_s, cmd_len);
        if (msg->cmd == WT_CMD_NONE) return WT_ECOMMAND;
    }
    if (field_err) return field_err;
    if ((msg->has & s_required[msg->cmd]) != s_required[msg->cmd]) return WT_EMISSING;
    return 0;
}

/* ---------------------------------------------------------------- framing */

int wt_proto_send_to(void *sock, const void *envelope, size_t envelope_len, const wt_proto_t *msg,
                     const void *payload, size_t n, int flags)
{
    wt_buf_t b;
    wt_buf_init(&b);
    wt_proto_encode(msg, &b);
    int rc = 0;
    if (envelope && zmq_send(sock, envelope, envelope_len, ZMQ_SNDMORE | flags) < 0)
        rc = -zmq_errno();
    if (!rc && zmq_send(sock, b.data, b.size, (payload ? ZMQ_SNDMORE : 0) | flags) < 0)
        rc = -zmq_errno();
    if (!rc && payload && zmq_send(sock, payload, n, flags) < 0) rc = -zmq_errno();
    wt_buf_free(&b);
    return rc;
}

int wt_proto_reply(void *sock, const wt_proto_in_t *in, const wt_proto_t *msg, const void *payload,
                   size_t n, int flags)
{
    if (in->delimited) {
        if (zmq_send(sock, in->envelope, in->envelope_len, ZMQ_SNDMORE | flags) < 0)
            return -zmq_errno();
        if (zmq_send(sock, "", 0, ZMQ_SNDMORE | flags) < 0) return -zmq_errno();
        return wt_proto_send_to(sock, NULL, 0, msg, payload, n, flags);
    }
    return wt_proto_send_to(sock, in->envelope, in->envelope_len, msg, payload, n, flags);
}

int wt_proto_send(void *sock, const wt_proto_t *msg, const void *payload, size_t n)
{
    return wt_proto_send_to(sock, NULL, 0, msg, payload, n, 0);
}

int wt_proto_recv(void *sock, bool envelope, int flags, wt_proto_in_t *in)
{
    in->envelope_len = 0;
    in->delimited = false;
    in->frames = 0;
    in->has_payload = false;
    in->open_ = false;
    memset(&in->msg, 0, sizeof in->msg);
    zmq_msg_t part;
    zmq_msg_init(&part);
    if (zmq_msg_recv(&part, sock, flags) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&part);
        return -e;
    }
    zmq_msg_init(&in->payload_);
    in->open_ = true;
    int frame_err = 0, decode_err = 0;
    bool decoded = false;
    int hdr_idx = envelope ? 1 : 0;
    for (;;) {
        int idx = in->frames++;
        bool more = zmq_msg_more(&part);
        size_t size = zmq_msg_size(&part);
        if (envelope && idx == 0) {
            if (size > WT_PROTO_MAX_ENVELOPE)
                frame_err = WT_EFRAMES;
            else {
                memcpy(in->envelope, zmq_msg_data(&part), size);
                in->envelope_len = size;
            }
        } else if (envelope && idx == 1 && size == 0 && more && !in->delimited) {
            in->delimited = true; /* a REQ client's empty delimiter */
            hdr_idx = 2;
        } else if (idx == hdr_idx) {
            decode_err = wt_proto_decode(zmq_msg_data(&part), size, &in->msg);
            decoded = true;
        } else if (idx == hdr_idx + 1) {
            zmq_msg_move(&in->payload_, &part);
            in->has_payload = true;
        } else {
            frame_err = WT_EFRAMES;
        }
        if (!more) break;
        if (zmq_msg_recv(&part, sock, 0) < 0) { /* parts of a message arrive together */
            frame_err = WT_EFRAMES;
            break;
        }
    }
    zmq_msg_close(&part);
    if (frame_err) return frame_err;
    if (!decoded) return WT_EFRAMES;
    return decode_err;
}

const uint8_t *wt_proto_in_payload(const wt_proto_in_t *in, size_t *n)
{
    if (!in->has_payload) {
        *n = 0;
        return NULL;
    }
    *n = zmq_msg_size((zmq_msg_t *)&in->payload_);
    return zmq_msg_data((zmq_msg_t *)&in->payload_);
}

void wt_proto_in_close(wt_proto_in_t *in)
{
    if (in->open_) zmq_msg_close(&in->payload_);
    in->open_ = false;
    in->has_payload = false;
    wt_proto_clear(&in->msg);
}

/*  codec.c: MessagePack encoding and strict decoding of the input item and
    the annotated item.

    Encoding goes through msgpack-c's packer. Decoding never hands untrusted
    bytes to msgpack-c's unpacker (which allocates count * sizeof(object)
    before reading a single element): it walks the bytes with a small cursor
    reader of our own. Every decode runs in two steps:
      1. wt_msgpack_check(): one iterative pass over the whole buffer that
         checks every header, every str/bin/ext length and every container
         count against the bytes left (ECOUNT, ETRUNCATED), the nesting depth
         (EDEPTH), reserved bytes (ESYNTAX) and trailing bytes (ETRAILING).
         Nothing is allocated.
      2. one pass per map, straight into the structs: keys must be strings
         (EBADKEY) and unique (EDUPKEY: known keys by bit, unknown ones
         compared at the end of the map); types (ETYPE), required keys
         (EMISSING), sizes against wt_limits_t (ETOOBIG), empty strings
         (EEMPTY), NUL (ENUL), UTF-8 (EUTF8), values (EVALUE: dates, enums,
         spans, numbers). `text` is found first, spans are checked against it.
    Unknown keys are skipped (forward compatibility); the types of known keys
    are strict. Memory grows only with decoded content, never with a count.
*/
#include "wiretag/codec.h"

#include <math.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Buffer */

void wt_buf_init(wt_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void wt_buf_free(wt_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void wt_buf_reset(wt_buf_t *b)
{
    b->size = 0;
}

void wt_buf_append(wt_buf_t *b, const void *data, size_t n)
{
    if (n == 0) return;
    if (b->size + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->size + n)
            cap *= 2;
        b->data = wt_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->size, data, n);
    b->size += n;
}

/* ------------------------------------------------------------------ */
/* Cursor reader */

typedef enum {
    K_NIL,
    K_BOOL,
    K_UINT,
    K_INT,
    K_FLOAT,
    K_STR,
    K_BIN,
    K_EXT,
    K_ARRAY,
    K_MAP
} s_kind_t;

/* One decoded header. Non-negative integers are always K_UINT, negative
   ones K_INT. len is the payload size (str/bin/ext) or element count
   (array: elements, map: pairs). */
typedef struct {
    s_kind_t kind;
    bool b;
    uint64_t u;
    int64_t i;
    double f;
    const uint8_t *ptr;
    uint32_t len;
} s_val_t;

typedef struct {
    const uint8_t *p, *end;
} s_rd_t;

static uint64_t s_be(const uint8_t *p, int k)
{
    uint64_t v = 0;
    for (int i = 0; i < k; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Read one header (and skip a str/bin/ext payload). Containers: count
   checked against the bytes left, each element needing at least 1 byte. */
static int s_head(s_rd_t *rd, s_val_t *v)
{
    if (rd->p >= rd->end) return WT_ETRUNCATED;
    uint8_t c = *rd->p++;
    size_t left = (size_t)(rd->end - rd->p);
    int lb = 0; /* bytes of the length / value field */
    memset(v, 0, sizeof *v);
    if (c <= 0x7f) {
        v->kind = K_UINT, v->u = c;
        return 0;
    }
    if (c >= 0xe0) {
        v->kind = K_INT, v->i = (int8_t)c;
        return 0;
    }
    if ((c & 0xf0) == 0x80) {
        v->kind = K_MAP, v->len = c & 0x0f;
        goto container;
    }
    if ((c & 0xf0) == 0x90) {
        v->kind = K_ARRAY, v->len = c & 0x0f;
        goto container;
    }
    if ((c & 0xe0) == 0xa0) {
        v->kind = K_STR, v->len = c & 0x1f;
        goto payload;
    }
    switch (c) {
    case 0xc0:
        v->kind = K_NIL;
        return 0;
    case 0xc2:
    case 0xc3:
        v->kind = K_BOOL, v->b = (c == 0xc3);
        return 0;
    case 0xc4:
    case 0xc5:
    case 0xc6:
        v->kind = K_BIN, lb = 1 << (c - 0xc4);
        break;
    case 0xc7:
    case 0xc8:
    case 0xc9:
        v->kind = K_EXT, lb = 1 << (c - 0xc7);
        break;
    case 0xca:
    case 0xcb: {
        int k = c == 0xca ? 4 : 8;
        if (left < (size_t)k) return WT_ETRUNCATED;
        uint64_t bits = s_be(rd->p, k);
        rd->p += k;
        v->kind = K_FLOAT;
        if (k == 4) {
            uint32_t b32 = (uint32_t)bits;
            float fl;
            memcpy(&fl, &b32, 4);
            v->f = fl;
        } else {
            memcpy(&v->f, &bits, 8);
        }
        return 0;
    }
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
        int k = 1 << (c - 0xcc);
        if (left < (size_t)k) return WT_ETRUNCATED;
        v->kind = K_UINT, v->u = s_be(rd->p, k);
        rd->p += k;
        return 0;
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
        int k = 1 << (c - 0xd0);
        if (left < (size_t)k) return WT_ETRUNCATED;
        uint64_t raw = s_be(rd->p, k);
        rd->p += k;
        int64_t sv;
        if (k == 1)
            sv = (int8_t)raw;
        else if (k == 2)
            sv = (int16_t)raw;
        else if (k == 4)
            sv = (int32_t)raw;
        else
            sv = (int64_t)raw;
        if (sv >= 0)
            v->kind = K_UINT, v->u = (uint64_t)sv;
        else
            v->kind = K_INT, v->i = sv;
        return 0;
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
        v->kind = K_EXT, v->len = 1u << (c - 0xd4);
        if (left < 1) return WT_ETRUNCATED;
        rd->p++; /* ext type */
        left--;
        goto payload;
    case 0xd9:
    case 0xda:
    case 0xdb:
        v->kind = K_STR, lb = 1 << (c - 0xd9);
        break;
    case 0xdc:
    case 0xdd:
        if (left < (size_t)(c == 0xdc ? 2 : 4)) return WT_ETRUNCATED;
        v->kind = K_ARRAY, v->len = (uint32_t)s_be(rd->p, c == 0xdc ? 2 : 4);
        rd->p += c == 0xdc ? 2 : 4;
        left = (size_t)(rd->end - rd->p);
        goto container;
    case 0xde:
    case 0xdf:
        if (left < (size_t)(c == 0xde ? 2 : 4)) return WT_ETRUNCATED;
        v->kind = K_MAP, v->len = (uint32_t)s_be(rd->p, c == 0xde ? 2 : 4);
        rd->p += c == 0xde ? 2 : 4;
        left = (size_t)(rd->end - rd->p);
        goto container;
    default: /* 0xc1: never used */
        return WT_ESYNTAX;
    }
    /* str / bin / ext with an explicit length field */
    if (left < (size_t)lb) return WT_ETRUNCATED;
    v->len = (uint32_t)s_be(rd->p, lb);
    rd->p += lb;
    left -= (size_t)lb;
    if (v->kind == K_EXT) {
        if (left < 1) return WT_ETRUNCATED;
        rd->p++;
        left--;
    }
payload:
    if (v->len > left) return WT_ETRUNCATED;
    v->ptr = rd->p;
    rd->p += v->len;
    return 0;
container:
    if ((uint64_t)v->len * (v->kind == K_MAP ? 2 : 1) > left) return WT_ECOUNT;
    return 0;
}

#define S_STACK_MAX 256

/* Skip one complete value, iteratively; containers deeper than max_depth
   (counting the first container as depth 1) fail with EDEPTH. */
static int s_skip(s_rd_t *rd, int max_depth)
{
    uint64_t left[S_STACK_MAX + 1];
    if (max_depth > S_STACK_MAX) max_depth = S_STACK_MAX;
    int d = 0;
    left[0] = 1;
    while (d >= 0) {
        if (left[d] == 0) {
            d--;
            continue;
        }
        left[d]--;
        s_val_t v;
        int r = s_head(rd, &v);
        if (r) return r;
        if (v.kind == K_ARRAY || v.kind == K_MAP) {
            if (d + 1 > max_depth) return WT_EDEPTH;
            d++;
            left[d] = (uint64_t)v.len * (v.kind == K_MAP ? 2 : 1);
        }
    }
    return 0;
}

int wt_msgpack_check(const uint8_t *data, size_t n, int max_depth)
{
    if (!data || n == 0) return WT_ETRUNCATED;
    s_rd_t rd = {data, data + n};
    int r = s_skip(&rd, max_depth);
    if (r) return r;
    return rd.p == rd.end ? 0 : WT_ETRAILING;
}

/* ------------------------------------------------------------------ */
/* Error context: a path like "actors[2].mentions[0].start", built from the
   failing leaf outwards (only on the error path). */

typedef struct {
    const wt_limits_t *lim;
    char path[192];
} s_dec_t;

static int s_at(s_dec_t *d, int code, const char *fmt, ...)
{
    char part[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    /* prepend part (and a '.' before a name) to the path, truncating */
    char tmp[sizeof d->path];
    size_t pl = strlen(part), ol = strlen(d->path), cap = sizeof tmp - 1, n = 0;
    bool dot = d->path[0] && d->path[0] != '[';
    memcpy(tmp, part, pl < cap ? pl : cap);
    n = pl < cap ? pl : cap;
    if (dot && n < cap) tmp[n++] = '.';
    size_t m = ol < cap - n ? ol : cap - n;
    memcpy(tmp + n, d->path, m);
    tmp[n + m] = 0;
    memcpy(d->path, tmp, sizeof tmp);
    return code;
}

static void s_errmsg(char *errbuf, size_t errlen, int code, const char *path)
{
    if (!errbuf || errlen == 0) return;
    if (path && *path)
        snprintf(errbuf, errlen, "%s: %s", path, wt_strerror(code));
    else
        snprintf(errbuf, errlen, "%s", wt_strerror(code));
}

/* ------------------------------------------------------------------ */
/* Field helpers */

static bool s_keyeq(const s_val_t *k, const char *name)
{
    if (k->len == 0 || k->ptr[0] != (uint8_t)name[0]) return name[0] == 0 && k->len == 0;
    size_t n = strlen(name);
    return k->len == n && memcmp(k->ptr, name, n) == 0;
}

/* A string value: type, size, emptiness, NUL, UTF-8 (in that order). */
static int s_str(const s_val_t *v, size_t max, bool nonempty)
{
    if (v->kind != K_STR) return WT_ETYPE;
    if (v->len > max) return WT_ETOOBIG;
    if (nonempty && v->len == 0) return WT_EEMPTY;
    if (v->len && memchr(v->ptr, 0, v->len)) return WT_ENUL;
    if (!wt_utf8_valid((const char *)v->ptr, v->len)) return WT_EUTF8;
    return 0;
}

/* A string or nil into *out (NULL for nil). */
static int s_opt_str(const s_val_t *v, size_t max, bool nonempty, char **out)
{
    if (v->kind == K_NIL) return 0;
    int r = s_str(v, max, nonempty);
    if (r) return r;
    free(*out);
    *out = wt_strndup((const char *)v->ptr, v->len);
    return 0;
}

static int s_req_str(const s_val_t *v, size_t max, bool nonempty, char **out)
{
    if (v->kind == K_NIL) return WT_ETYPE;
    return s_opt_str(v, max, nonempty, out);
}

static int s_u64(const s_val_t *v, uint64_t *out)
{
    if (v->kind == K_UINT) {
        *out = v->u;
        return 0;
    }
    return v->kind == K_INT ? WT_EVALUE : WT_ETYPE;
}

static int s_u32(const s_val_t *v, uint32_t *out)
{
    uint64_t u;
    int r = s_u64(v, &u);
    if (r) return r;
    if (u > UINT32_MAX) return WT_EVALUE;
    *out = (uint32_t)u;
    return 0;
}

static int s_num(const s_val_t *v, double *out)
{
    if (v->kind == K_UINT)
        *out = (double)v->u;
    else if (v->kind == K_INT)
        *out = (double)v->i;
    else if (v->kind == K_FLOAT) {
        if (!isfinite(v->f)) return WT_EVALUE;
        *out = v->f;
    } else
        return WT_ETYPE;
    return 0;
}

static int s_bool(const s_val_t *v, bool *out)
{
    if (v->kind != K_BOOL) return WT_ETYPE;
    *out = v->b;
    return 0;
}

/* An enum given as a short string. */
static int s_enum(const s_val_t *v, int (*parse)(const char *, int *), int *out)
{
    if (v->kind != K_STR) return WT_ETYPE;
    char tmp[32];
    if (v->len >= sizeof tmp || memchr(v->ptr, 0, v->len)) return WT_EVALUE;
    memcpy(tmp, v->ptr, v->len);
    tmp[v->len] = 0;
    return parse(tmp, out);
}

static int s_parse_type(const char *s, int *out)
{
    wt_actor_type_t t;
    int r = wt_actor_type_parse(s, &t);
    *out = (int)t;
    return r;
}

static int s_parse_kind(const char *s, int *out)
{
    wt_quote_kind_t k;
    int r = wt_quote_kind_parse(s, &k);
    *out = (int)k;
    return r;
}

static int s_parse_topic(const char *s, int *out)
{
    for (int i = 0; i < 21; i++)
        if (strcmp(s, wt_topics[i]) == 0) {
            *out = i;
            return 0;
        }
    return WT_EVALUE;
}

/* Bit set of the keys seen in a map. */
#define S_BIT(i) (1u << (i))

/* Keys of one map: strings, unique. rd points after the map header and is
   not moved. Keys are compared by sorting when the map is large. */
typedef struct {
    const uint8_t *p;
    uint32_t n;
} s_key_t;

static int s_keycmp(const void *a, const void *b)
{
    const s_key_t *x = a, *y = b;
    uint32_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, m);
    if (c) return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* EDUPKEY when two of keys[0..count) are equal (the array is reordered). */
static int s_dupcheck(s_dec_t *d, s_key_t *keys, uint32_t count)
{
    const s_key_t *dup = NULL;
    if (count <= 16) {
        for (uint32_t i = 0; i < count && !dup; i++)
            for (uint32_t j = i + 1; j < count && !dup; j++)
                if (s_keycmp(&keys[i], &keys[j]) == 0) dup = &keys[i];
    } else {
        qsort(keys, count, sizeof *keys, s_keycmp);
        for (uint32_t i = 1; i < count && !dup; i++)
            if (s_keycmp(&keys[i - 1], &keys[i]) == 0) dup = &keys[i];
    }
    if (!dup) return 0;
    return s_at(d, WT_EDUPKEY, "%.*s", (int)(dup->n < 64 ? dup->n : 64), (const char *)dup->p);
}

static int s_map_keys(s_dec_t *d, s_rd_t rd, uint32_t count, int depth_left)
{
    s_key_t small[16];
    s_key_t *keys = count <= 16 ? small : wt_malloc((size_t)count * sizeof *keys);
    int r = 0;
    for (uint32_t i = 0; i < count && !r; i++) {
        s_val_t k;
        r = s_head(&rd, &k);
        if (!r && k.kind != K_STR) r = s_at(d, WT_EBADKEY, "[key %u]", i);
        if (!r) {
            keys[i].p = k.ptr, keys[i].n = k.len;
            r = s_skip(&rd, depth_left);
        }
    }
    if (!r) r = s_dupcheck(d, keys, count);
    if (keys != small) free(keys);
    return r;
}

/* Keys of one map as it is decoded: a known key (index f in the caller's
   table) seen twice is EDUPKEY at once; unknown keys are only counted, and
   when two or more are unknown all the map's keys are compared at the end
   (s_keys_end). One pass over the map in the usual case. */
typedef struct {
    s_rd_t body; /* the pairs, for s_keys_end */
    uint32_t count;
    uint32_t unknown;
    unsigned seen; /* known keys by index */
    int depth_left;
} s_keys_t;

/* Read a map header. */
static int s_map(s_dec_t *d, s_rd_t *rd, s_keys_t *ks, int depth_left)
{
    (void)d;
    s_val_t v;
    int r = s_head(rd, &v);
    if (r) return r;
    if (v.kind != K_MAP) return WT_ETYPE;
    memset(ks, 0, sizeof *ks);
    ks->body = *rd;
    ks->count = v.len;
    ks->depth_left = depth_left;
    return 0;
}

static int s_key(s_dec_t *d, s_keys_t *ks, int f, const char *const *names)
{
    if (f < 0) {
        ks->unknown++;
        return 0;
    }
    if (ks->seen & S_BIT(f)) return s_at(d, WT_EDUPKEY, "%s", names[f]);
    ks->seen |= S_BIT(f);
    return 0;
}

static int s_keys_end(s_dec_t *d, const s_keys_t *ks)
{
    return ks->unknown > 1 ? s_map_keys(d, ks->body, ks->count, ks->depth_left - 1) : 0;
}

/* Read the next key and the header of its value. */
static int s_kv(s_rd_t *rd, s_val_t *k, s_val_t *v, const uint8_t **vstart)
{
    int r = s_head(rd, k);
    if (r) return r;
    if (k->kind != K_STR) return WT_EBADKEY;
    *vstart = rd->p;
    return s_head(rd, v);
}

/* The semantic check of `meta` (and of any value converted to JSON):
   string keys, unique keys, UTF-8 without NUL, no bin/ext, finite floats,
   integers within int64. */
static int s_meta_value(s_dec_t *d, s_rd_t *rd, int depth_left)
{
    s_val_t v;
    int r = s_head(rd, &v);
    if (r) return r;
    switch (v.kind) {
    case K_NIL:
    case K_BOOL:
    case K_INT:
        return 0;
    case K_UINT:
        return v.u > (uint64_t)INT64_MAX ? WT_EVALUE : 0;
    case K_FLOAT:
        return isfinite(v.f) ? 0 : WT_EVALUE;
    case K_STR:
        return s_str(&v, SIZE_MAX, false);
    case K_BIN:
    case K_EXT:
        return WT_ETYPE;
    case K_ARRAY:
        if (depth_left < 1) return WT_EDEPTH;
        for (uint32_t i = 0; i < v.len; i++)
            if ((r = s_meta_value(d, rd, depth_left - 1))) return s_at(d, r, "[%u]", i);
        return 0;
    case K_MAP:
        if (depth_left < 1) return WT_EDEPTH;
        {
            /* keys collected as the map is walked, compared at the end */
            s_key_t small[16];
            s_key_t *keys = v.len <= 16 ? small : wt_malloc((size_t)v.len * sizeof *keys);
            for (uint32_t i = 0; i < v.len && !r; i++) {
                s_val_t k;
                if ((r = s_head(rd, &k))) break;
                if (k.kind != K_STR) {
                    r = s_at(d, WT_EBADKEY, "[key %u]", i);
                    break;
                }
                if ((r = s_str(&k, SIZE_MAX, false))) {
                    r = s_at(d, r, "[key %u]", i);
                    break;
                }
                keys[i].p = k.ptr, keys[i].n = k.len;
                if ((r = s_meta_value(d, rd, depth_left - 1)))
                    r = s_at(d, r, "%.*s", (int)(k.len < 64 ? k.len : 64), (const char *)k.ptr);
            }
            if (!r) r = s_dupcheck(d, keys, v.len);
            if (keys != small) free(keys);
            return r;
        }
    }
    return WT_ETYPE;
}

/* ------------------------------------------------------------------ */
/* Input item fields (shared by the item and the result top-level map) */

/* Decode the value of key k (whose header v was read; vstart points at the
   header) into item when k is an item field other than `text`. Returns 1
   when handled, 0 when k is not an item field, < 0 on error. rd is left
   after the value. */
static int s_item_field(s_dec_t *d, const s_val_t *k, const s_val_t *v, const uint8_t *vstart,
                        s_rd_t *rd, int depth_left, wt_item_t *item)
{
    const wt_limits_t *lim = d->lim;
    int r;
    if (s_keyeq(k, "id"))
        r = s_opt_str(v, lim->max_field, true, &item->id);
    else if (s_keyeq(k, "title"))
        r = s_opt_str(v, lim->max_field, false, &item->title);
    else if (s_keyeq(k, "source"))
        r = s_opt_str(v, lim->max_field, false, &item->source);
    else if (s_keyeq(k, "url"))
        r = s_opt_str(v, lim->max_field, false, &item->url);
    else if (s_keyeq(k, "lang"))
        r = s_opt_str(v, lim->max_field, false, &item->lang);
    else if (s_keyeq(k, "published")) {
        /* never refuse an item for its date: one we cannot read is dropped
           (published null) and flagged, for the caller to count and say */
        if (v->kind == K_NIL) return 1;
        char tmp[128], out[32];
        bool ok = v->kind == K_STR && s_str(v, lim->max_field, true) == 0 && v->len < sizeof tmp;
        if (ok) {
            memcpy(tmp, v->ptr, v->len);
            tmp[v->len] = 0;
            ok = wt_date_parse(tmp, out, sizeof out) == 0;
        }
        free(item->published);
        item->published = ok ? wt_strdup(out) : NULL;
        item->published_invalid = !ok;
        if (v->kind == K_ARRAY || v->kind == K_MAP) { /* step over it, still well-formed */
            s_rd_t m = {vstart, rd->end};
            if ((r = s_skip(&m, depth_left))) return s_at(d, r, "published");
            rd->p = m.p;
        }
        return 1;
    } else if (s_keyeq(k, "meta")) {
        if (v->kind == K_NIL) return 1;
        if (v->kind != K_MAP)
            r = WT_ETYPE;
        else {
            /* measure, limit, then check the content */
            s_rd_t m = {vstart, rd->end};
            r = s_skip(&m, depth_left);
            size_t len = (size_t)(m.p - vstart);
            if (!r && len > lim->max_meta) r = WT_ETOOBIG;
            if (!r) {
                s_rd_t c = {vstart, rd->end};
                r = s_meta_value(d, &c, depth_left);
            }
            if (!r) {
                free(item->meta);
                item->meta = wt_malloc(len);
                memcpy(item->meta, vstart, len);
                item->meta_len = len;
                rd->p = m.p;
            }
        }
        return r ? s_at(d, r, "meta") : 1;
    } else
        return 0;
    /* scalar fields: skip a container value of the wrong type */
    if (r) return s_at(d, r, "%.*s", (int)k->len, (const char *)k->ptr);
    return 1;
}

static int s_text(s_dec_t *d, const s_val_t *v, wt_item_t *item)
{
    int r = s_str(v, d->lim->max_text, true);
    if (r) return s_at(d, r, "text");
    item->text = wt_strndup((const char *)v->ptr, v->len);
    item->text_len = v->len;
    return 0;
}

/* Find the value of `text` in a top-level map (keys already checked). */
static int s_find_text(s_rd_t rd, uint32_t count, s_val_t *tv)
{
    for (uint32_t i = 0; i < count; i++) {
        s_val_t k;
        int r = s_head(&rd, &k);
        if (r) return r;
        if (k.kind != K_STR) return WT_EBADKEY;
        if (s_keyeq(&k, "text")) return s_head(&rd, tv);
        if ((r = s_skip(&rd, WT_MAX_DEPTH))) return r;
    }
    return WT_EMISSING;
}

/* If a value header v of a container was read but the field was rejected or
   ignored, move rd past its content. */
static int s_skip_rest(s_rd_t *rd, const uint8_t *vstart, int depth_left)
{
    rd->p = vstart;
    return s_skip(rd, depth_left);
}

static int s_lookup(const s_val_t *k, const char *const *names);

/* Keys of the top-level map of items and results (indexes used by both). */
static const char *const s_top_names[] = {"id",    "text",      "actors", "issues", "quotes",
                                          "stats", "annotator", "seq",    "title",  "source",
                                          "url",   "published", "lang",   "meta",   NULL};

static int s_item(s_dec_t *d, const uint8_t *data, size_t n, wt_item_t *item)
{
    s_rd_t rd = {data, data + n};
    s_keys_t ks;
    int r = s_map(d, &rd, &ks, WT_MAX_DEPTH);
    if (r) return r;
    s_val_t tv;
    r = s_find_text(rd, ks.count, &tv);
    if (r == WT_EMISSING) return s_at(d, r, "text");
    if (r || (r = s_text(d, &tv, item))) return r;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(&rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, s_top_names);
        if ((r = s_key(d, &ks, f, s_top_names))) return r;
        if (f == 1) continue;
        r = s_item_field(d, &k, &v, vs, &rd, WT_MAX_DEPTH - 1, item);
        if (r < 0) return r;
        if (r == 0 && (r = s_skip_rest(&rd, vs, WT_MAX_DEPTH - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    wt_item_ensure_id(item);
    return 0;
}

int wt_item_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item,
                      char *errbuf, size_t errlen)
{
    s_dec_t d = {.lim = limits ? limits : &wt_limits_default};
    memset(item, 0, sizeof *item);
    int r = wt_msgpack_check(data, n, WT_MAX_DEPTH);
    if (!r) r = s_item(&d, data, n, item);
    if (r) {
        wt_item_clear(item);
        s_errmsg(errbuf, errlen, r, d.path);
    }
    return r;
}

int wt_item_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item)
{
    return wt_item_decode_ex(data, n, limits, item, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Annotated item */

typedef struct {
    const char *text;
    size_t len;
} s_text_t;

static bool s_boundary(const s_text_t *t, uint32_t pos)
{
    return pos >= t->len || ((unsigned char)t->text[pos] & 0xC0) != 0x80;
}

/* A span must lie inside the text, on UTF-8 boundaries, and its "text"
   (when given) must equal the slice. */
static int s_span_check(const s_text_t *t, wt_span_t sp, const s_val_t *stext)
{
    if (sp.start > sp.end || sp.end > t->len) return WT_EVALUE;
    if (!s_boundary(t, sp.start) || !s_boundary(t, sp.end)) return WT_EVALUE;
    if (stext) {
        int r = s_str(stext, SIZE_MAX, false);
        if (r) return r;
        if (stext->len != sp.end - sp.start || memcmp(stext->ptr, t->text + sp.start, stext->len))
            return WT_EVALUE;
    }
    return 0;
}

static int s_missing(s_dec_t *d, unsigned seen, unsigned need, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if ((need & S_BIT(i)) && !(seen & S_BIT(i))) return s_at(d, WT_EMISSING, "%s", names[i]);
    return 0;
}

static int s_lookup(const s_val_t *k, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (s_keyeq(k, names[i])) return i;
    return -1;
}

/* {start, end, text} */
static int s_mention(s_dec_t *d, s_rd_t *rd, const s_text_t *t, int depth_left, wt_span_t *out)
{
    static const char *const names[] = {"start", "end", "text", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    s_val_t stext = {0};
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        if (f == 0)
            r = s_u32(&v, &out->start);
        else if (f == 1)
            r = s_u32(&v, &out->end);
        else if (f == 2)
            stext = v;
        if (r) return s_at(d, r, "%s", names[f]);
        if ((f < 0 || f == 2) && (v.kind == K_ARRAY || v.kind == K_MAP))
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, 7, names))) return r;
    if ((r = s_span_check(t, *out, &stext))) return s_at(d, r, "text");
    return 0;
}

typedef void (*s_add_mention_fn)(void *owner, uint32_t start, uint32_t end);

static void s_add_actor_mention(void *owner, uint32_t start, uint32_t end)
{
    wt_actor_add_mention(owner, start, end);
}

static void s_add_issue_mention(void *owner, uint32_t start, uint32_t end)
{
    wt_issue_add_mention(owner, start, end);
}

static int s_mentions(s_dec_t *d, const s_val_t *v, s_rd_t *rd, const s_text_t *t, int depth_left,
                      void *owner, s_add_mention_fn add)
{
    if (v->kind != K_ARRAY) return WT_ETYPE;
    if (v->len > d->lim->max_elements) return WT_ETOOBIG;
    for (uint32_t i = 0; i < v->len; i++) {
        wt_span_t sp = {0, 0};
        int r = s_mention(d, rd, t, depth_left - 1, &sp);
        if (r) return s_at(d, r, "[%u]", i);
        add(owner, sp.start, sp.end);
    }
    return 0;
}

static int s_country(const s_val_t *v, char country[4])
{
    if (v->kind == K_NIL) {
        country[0] = 0;
        return 0;
    }
    if (v->kind != K_STR) return WT_ETYPE;
    if (v->len != 3) return WT_EVALUE;
    for (int i = 0; i < 3; i++)
        if (v->ptr[i] < 'A' || v->ptr[i] > 'Z') return WT_EVALUE;
    memcpy(country, v->ptr, 3);
    country[3] = 0;
    return 0;
}

static int s_actor(s_dec_t *d, s_rd_t *rd, const s_text_t *t, int depth_left, wt_actor_t *a)
{
    static const char *const names[] = {"id",       "name",  "type",     "country",  "code", "role",
                                        "wikidata", "known", "salience", "mentions", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    size_t mf = d->lim->max_field;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        bool consumed = false;
        switch (f) {
        case 0:
            r = s_req_str(&v, mf, true, &a->id);
            break;
        case 1:
            r = s_req_str(&v, mf, false, &a->name);
            break;
        case 2: {
            int ty = 0;
            r = s_enum(&v, s_parse_type, &ty);
            a->type = (wt_actor_type_t)ty;
            break;
        }
        case 3:
            r = s_country(&v, a->country);
            break;
        case 4:
            r = s_opt_str(&v, mf, false, &a->code);
            break;
        case 5:
            r = s_opt_str(&v, mf, false, &a->role);
            break;
        case 6:
            r = s_opt_str(&v, mf, false, &a->wikidata);
            break;
        case 7:
            r = s_bool(&v, &a->known);
            break;
        case 8:
            r = s_num(&v, &a->salience);
            break;
        case 9:
            r = s_mentions(d, &v, rd, t, depth_left - 1, a, s_add_actor_mention);
            consumed = v.kind == K_ARRAY;
            break;
        default:
            break;
        }
        if (r) return s_at(d, r, "%s", names[f]);
        if (!consumed && (v.kind == K_ARRAY || v.kind == K_MAP))
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    return s_missing(d, ks.seen, 0x3ff, names);
}

static int s_issue(s_dec_t *d, s_rd_t *rd, const s_text_t *t, int depth_left, wt_issue_t *is)
{
    static const char *const names[] = {"id", "label", "topic", "score", "mentions", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    size_t mf = d->lim->max_field;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        bool consumed = false;
        switch (f) {
        case 0:
            r = s_req_str(&v, mf, true, &is->id);
            break;
        case 1:
            r = s_req_str(&v, mf, false, &is->label);
            break;
        case 2: {
            int ti = 0;
            r = s_enum(&v, s_parse_topic, &ti);
            if (!r) is->topic = wt_strdup(wt_topics[ti]);
            break;
        }
        case 3:
            r = s_num(&v, &is->score);
            break;
        case 4:
            r = s_mentions(d, &v, rd, t, depth_left - 1, is, s_add_issue_mention);
            consumed = v.kind == K_ARRAY;
            break;
        default:
            break;
        }
        if (r) return s_at(d, r, "%s", names[f]);
        if (!consumed && (v.kind == K_ARRAY || v.kind == K_MAP))
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    return s_missing(d, ks.seen, 0x1f, names);
}

static int s_speaker(s_dec_t *d, s_rd_t *rd, const s_text_t *t, int depth_left, wt_quote_t *q)
{
    static const char *const names[] = {"actor", "text", "start", "end", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    s_val_t stext = {0};
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        switch (f) {
        case 0:
            r = s_opt_str(&v, d->lim->max_field, true, &q->speaker_actor);
            break;
        case 1:
            stext = v;
            break;
        case 2:
            r = s_u32(&v, &q->speaker.start);
            break;
        case 3:
            r = s_u32(&v, &q->speaker.end);
            break;
        default:
            break;
        }
        if (r) return s_at(d, r, "%s", names[f]);
        if (v.kind == K_ARRAY || v.kind == K_MAP)
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, 0xf, names))) return r;
    if ((r = s_span_check(t, q->speaker, &stext))) return s_at(d, r, "text");
    q->has_speaker = true;
    return 0;
}

static int s_quote(s_dec_t *d, s_rd_t *rd, const s_text_t *t, int depth_left, wt_quote_t *q)
{
    static const char *const names[] = {"text", "start", "end", "kind", "cue", "speaker", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    s_val_t stext = {0};
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        bool consumed = false;
        switch (f) {
        case 0:
            stext = v;
            break;
        case 1:
            r = s_u32(&v, &q->span.start);
            break;
        case 2:
            r = s_u32(&v, &q->span.end);
            break;
        case 3: {
            int kd = 0;
            r = s_enum(&v, s_parse_kind, &kd);
            q->kind = (wt_quote_kind_t)kd;
            break;
        }
        case 4:
            r = s_opt_str(&v, d->lim->max_field, false, &q->cue);
            break;
        case 5:
            if (v.kind == K_MAP) {
                rd->p = vs;
                r = s_speaker(d, rd, t, depth_left - 1, q);
                consumed = true;
            } else if (v.kind != K_NIL)
                r = WT_ETYPE;
            break;
        default:
            break;
        }
        if (r) return s_at(d, r, "%s", names[f]);
        if (!consumed && (v.kind == K_ARRAY || v.kind == K_MAP))
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, 0x3f, names))) return r;
    if ((r = s_span_check(t, q->span, &stext))) return s_at(d, r, "text");
    return 0;
}

static int s_stats(s_dec_t *d, s_rd_t *rd, int depth_left, wt_stats_t *st)
{
    static const char *const names[] = {"bytes", "tokens", "sentences", "elapsed_us", NULL};
    uint64_t *dst[] = {&st->bytes, &st->tokens, &st->sentences, &st->elapsed_us};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        if (f >= 0) {
            if ((r = s_u64(&v, dst[f]))) return s_at(d, r, "%s", names[f]);
        }
        if (v.kind == K_ARRAY || v.kind == K_MAP)
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    return s_missing(d, ks.seen, 0xf, names);
}

static int s_annotator(s_dec_t *d, s_rd_t *rd, int depth_left, wt_result_t *res)
{
    static const char *const names[] = {"version", "dictionaries", NULL};
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        if (f == 0)
            r = s_opt_str(&v, d->lim->max_field, false, &res->annotator_version);
        else if (f == 1)
            r = s_opt_str(&v, d->lim->max_field, false, &res->annotator_dictionaries);
        if (r) return s_at(d, r, "%s", names[f]);
        if (v.kind == K_ARRAY || v.kind == K_MAP)
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    return s_missing(d, ks.seen, 3, names);
}

static int s_strptrcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every speaker.actor must name an entry of actors[]. */
static int s_check_speakers(s_dec_t *d, const wt_result_t *res)
{
    size_t nref = 0;
    for (size_t i = 0; i < res->quote_count; i++)
        nref += res->quotes[i].speaker_actor != NULL;
    if (nref == 0) return 0;
    const char **ids = wt_malloc((res->actor_count + 1) * sizeof *ids);
    for (size_t i = 0; i < res->actor_count; i++)
        ids[i] = res->actors[i].id;
    qsort(ids, res->actor_count, sizeof *ids, s_strptrcmp);
    int r = 0;
    for (size_t i = 0; i < res->quote_count && !r; i++) {
        const char *a = res->quotes[i].speaker_actor;
        if (a && !bsearch(&a, ids, res->actor_count, sizeof *ids, s_strptrcmp))
            r = s_at(d, WT_EVALUE, "quotes[%zu].speaker.actor", i);
    }
    free(ids);
    return r;
}

static int s_result(s_dec_t *d, const uint8_t *data, size_t n, wt_result_t *res)
{
    const int depth = WT_MAX_DEPTH - 1; /* budget below the top-level map */
    s_rd_t rd = {data, data + n};
    s_keys_t ks;
    int r = s_map(d, &rd, &ks, WT_MAX_DEPTH);
    if (r) return r;
    s_val_t tv;
    r = s_find_text(rd, ks.count, &tv);
    if (r == WT_EMISSING) return s_at(d, r, "text");
    if (r || (r = s_text(d, &tv, &res->item))) return r;
    s_text_t t = {res->item.text, res->item.text_len};
    size_t maxel = d->lim->max_elements;
    const char *const *names = s_top_names;
    for (uint32_t i = 0; i < ks.count; i++) {
        s_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(&rd, &k, &v, &vs))) return r;
        int f = s_lookup(&k, names);
        if ((r = s_key(d, &ks, f, names))) return r;
        if (f == 1) continue;
        if (f == 0 && v.kind == K_NIL) return s_at(d, WT_ETYPE, "id");
        if (f < 0 || f == 0 || f >= 8) {
            r = s_item_field(d, &k, &v, vs, &rd, depth, &res->item);
            if (r < 0) return r;
            if (r == 0 && (r = s_skip_rest(&rd, vs, depth))) return r;
            continue;
        }
        rd.p = vs; /* the helpers below read the header again */
        s_val_t h;
        switch (f) {
        case 2: /* actors */
        case 3: /* issues */
        case 4: /* quotes */
            if ((r = s_head(&rd, &h))) return r;
            if (h.kind != K_ARRAY) return s_at(d, WT_ETYPE, "%s", names[f]);
            if (h.len > maxel) return s_at(d, WT_ETOOBIG, "%s", names[f]);
            for (uint32_t j = 0; j < h.len; j++) {
                if (f == 2)
                    r = s_actor(d, &rd, &t, depth - 1, wt_result_add_actor(res));
                else if (f == 3)
                    r = s_issue(d, &rd, &t, depth - 1, wt_result_add_issue(res));
                else
                    r = s_quote(d, &rd, &t, depth - 1, wt_result_add_quote(res));
                if (r) {
                    s_at(d, r, "[%u]", j);
                    return s_at(d, r, "%s", names[f]);
                }
            }
            break;
        case 5:
            if ((r = s_stats(d, &rd, depth, &res->stats))) return s_at(d, r, "stats");
            break;
        case 6:
            if ((r = s_annotator(d, &rd, depth, res))) return s_at(d, r, "annotator");
            break;
        case 7:
            if ((r = s_head(&rd, &h))) return r;
            if (h.kind == K_NIL) break;
            if ((r = s_u64(&h, &res->seq))) return s_at(d, r, "seq");
            res->has_seq = true;
            break;
        }
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, 0x7f, names))) return r;
    return s_check_speakers(d, res);
}

int wt_result_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_result_t *res,
                        char *errbuf, size_t errlen)
{
    s_dec_t d = {.lim = limits ? limits : &wt_limits_default};
    memset(res, 0, sizeof *res);
    int r = wt_msgpack_check(data, n, WT_MAX_DEPTH);
    if (!r) r = s_result(&d, data, n, res);
    if (r) {
        wt_result_clear(res);
        s_errmsg(errbuf, errlen, r, d.path);
    }
    return r;
}

int wt_result_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_result_t *res)
{
    return wt_result_decode_ex(data, n, limits, res, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Encoding (msgpack-c packer into a wt_buf_t) */

static int s_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

/* A key given as a string literal. */
#define s_pack_key(pk, lit) msgpack_pack_str_with_body((pk), "" lit, sizeof(lit) - 1)

/* NULL -> nil */
static void s_pack_opt(msgpack_packer *pk, const char *s)
{
    if (s)
        msgpack_pack_str_with_body(pk, s, strlen(s));
    else
        msgpack_pack_nil(pk);
}

/* NULL -> "" (fields the schema never leaves null) */
static void s_pack_req(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str_with_body(pk, s ? s : "", s ? strlen(s) : 0);
}

/* The slice of the text a span covers ("" when the span is outside: a bug
   upstream, which the decoder on the other side will report). */
static void s_pack_slice(msgpack_packer *pk, const wt_item_t *it, wt_span_t sp)
{
    if (it->text && sp.start <= sp.end && sp.end <= it->text_len)
        msgpack_pack_str_with_body(pk, it->text + sp.start, sp.end - sp.start);
    else
        msgpack_pack_str_with_body(pk, "", 0);
}

static void s_pack_double(msgpack_packer *pk, double v)
{
    msgpack_pack_double(pk, isfinite(v) ? v : 0.0);
}

static void s_pack_span(msgpack_packer *pk, const wt_item_t *it, wt_span_t sp)
{
    msgpack_pack_map(pk, 3);
    s_pack_key(pk, "start");
    msgpack_pack_uint32(pk, sp.start);
    s_pack_key(pk, "end");
    msgpack_pack_uint32(pk, sp.end);
    s_pack_key(pk, "text");
    s_pack_slice(pk, it, sp);
}

void wt_item_encode(const wt_item_t *item, wt_buf_t *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, s_write);
    const char *keys[] = {"id", "title", "source", "url", "published", "lang"};
    const char *vals[] = {item->id,  item->title,     item->source,
                          item->url, item->published, item->lang};
    size_t n = 1 + (item->meta && item->meta_len);
    for (int i = 0; i < 6; i++)
        n += vals[i] != NULL;
    msgpack_pack_map(&pk, n);
    for (int i = 0; i < 6; i++)
        if (vals[i]) {
            msgpack_pack_str_with_body(&pk, keys[i], strlen(keys[i]));
            s_pack_req(&pk, vals[i]);
        }
    s_pack_key(&pk, "text");
    msgpack_pack_str_with_body(&pk, item->text ? item->text : "", item->text ? item->text_len : 0);
    if (item->meta && item->meta_len) {
        s_pack_key(&pk, "meta");
        wt_buf_append(out, item->meta, item->meta_len);
    }
}

/* Make room for about n more bytes at once (the packer writes in small
   pieces). */
static void s_reserve(wt_buf_t *b, size_t n)
{
    if (b->size + n <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->size + n)
        cap *= 2;
    b->data = wt_realloc(b->data, cap);
    b->cap = cap;
}

void wt_result_encode(const wt_result_t *res, wt_buf_t *out)
{
    const wt_item_t *it = &res->item;
    size_t est = it->text_len + it->meta_len + 512 + 160 * res->actor_count +
                 96 * res->issue_count + 160 * res->quote_count;
    for (size_t i = 0; i < res->actor_count; i++)
        est += 40 * res->actors[i].mention_count;
    s_reserve(out, est);
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, s_write);
    size_t n = 11 + res->has_seq + (it->lang != NULL) + (it->meta && it->meta_len);
    msgpack_pack_map(&pk, n);
    s_pack_key(&pk, "id");
    s_pack_req(&pk, it->id);
    if (res->has_seq) {
        s_pack_key(&pk, "seq");
        msgpack_pack_uint64(&pk, res->seq);
    }
    s_pack_key(&pk, "source");
    s_pack_opt(&pk, it->source);
    s_pack_key(&pk, "url");
    s_pack_opt(&pk, it->url);
    s_pack_key(&pk, "title");
    s_pack_opt(&pk, it->title);
    s_pack_key(&pk, "published");
    s_pack_opt(&pk, it->published);
    if (it->lang) {
        s_pack_key(&pk, "lang");
        s_pack_req(&pk, it->lang);
    }
    s_pack_key(&pk, "text");
    msgpack_pack_str_with_body(&pk, it->text ? it->text : "", it->text ? it->text_len : 0);

    s_pack_key(&pk, "actors");
    msgpack_pack_array(&pk, res->actor_count);
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *a = &res->actors[i];
        msgpack_pack_map(&pk, 10);
        s_pack_key(&pk, "id");
        s_pack_req(&pk, a->id);
        s_pack_key(&pk, "name");
        s_pack_req(&pk, a->name);
        s_pack_key(&pk, "type");
        s_pack_req(&pk, wt_actor_type_name(a->type));
        s_pack_key(&pk, "country");
        s_pack_opt(&pk, a->country[0] ? a->country : NULL);
        s_pack_key(&pk, "code");
        s_pack_opt(&pk, a->code);
        s_pack_key(&pk, "role");
        s_pack_opt(&pk, a->role);
        s_pack_key(&pk, "wikidata");
        s_pack_opt(&pk, a->wikidata);
        s_pack_key(&pk, "known");
        if (a->known)
            msgpack_pack_true(&pk);
        else
            msgpack_pack_false(&pk);
        s_pack_key(&pk, "salience");
        s_pack_double(&pk, a->salience);
        s_pack_key(&pk, "mentions");
        msgpack_pack_array(&pk, a->mention_count);
        for (size_t j = 0; j < a->mention_count; j++)
            s_pack_span(&pk, it, a->mentions[j]);
    }

    s_pack_key(&pk, "issues");
    msgpack_pack_array(&pk, res->issue_count);
    for (size_t i = 0; i < res->issue_count; i++) {
        const wt_issue_t *is = &res->issues[i];
        msgpack_pack_map(&pk, 5);
        s_pack_key(&pk, "id");
        s_pack_req(&pk, is->id);
        s_pack_key(&pk, "label");
        s_pack_req(&pk, is->label);
        s_pack_key(&pk, "topic");
        s_pack_req(&pk, is->topic);
        s_pack_key(&pk, "score");
        s_pack_double(&pk, is->score);
        s_pack_key(&pk, "mentions");
        msgpack_pack_array(&pk, is->mention_count);
        for (size_t j = 0; j < is->mention_count; j++)
            s_pack_span(&pk, it, is->mentions[j]);
    }

    s_pack_key(&pk, "quotes");
    msgpack_pack_array(&pk, res->quote_count);
    for (size_t i = 0; i < res->quote_count; i++) {
        const wt_quote_t *q = &res->quotes[i];
        msgpack_pack_map(&pk, 6);
        s_pack_key(&pk, "text");
        s_pack_slice(&pk, it, q->span);
        s_pack_key(&pk, "start");
        msgpack_pack_uint32(&pk, q->span.start);
        s_pack_key(&pk, "end");
        msgpack_pack_uint32(&pk, q->span.end);
        s_pack_key(&pk, "kind");
        s_pack_req(&pk, wt_quote_kind_name(q->kind));
        s_pack_key(&pk, "cue");
        s_pack_opt(&pk, q->cue);
        s_pack_key(&pk, "speaker");
        if (q->has_speaker) {
            msgpack_pack_map(&pk, 4);
            s_pack_key(&pk, "actor");
            s_pack_opt(&pk, q->speaker_actor);
            s_pack_key(&pk, "text");
            s_pack_slice(&pk, it, q->speaker);
            s_pack_key(&pk, "start");
            msgpack_pack_uint32(&pk, q->speaker.start);
            s_pack_key(&pk, "end");
            msgpack_pack_uint32(&pk, q->speaker.end);
        } else {
            msgpack_pack_nil(&pk);
        }
    }

    s_pack_key(&pk, "stats");
    msgpack_pack_map(&pk, 4);
    s_pack_key(&pk, "bytes");
    msgpack_pack_uint64(&pk, res->stats.bytes);
    s_pack_key(&pk, "tokens");
    msgpack_pack_uint64(&pk, res->stats.tokens);
    s_pack_key(&pk, "sentences");
    msgpack_pack_uint64(&pk, res->stats.sentences);
    s_pack_key(&pk, "elapsed_us");
    msgpack_pack_uint64(&pk, res->stats.elapsed_us);

    s_pack_key(&pk, "annotator");
    msgpack_pack_map(&pk, 2);
    s_pack_key(&pk, "version");
    s_pack_opt(&pk, res->annotator_version);
    s_pack_key(&pk, "dictionaries");
    s_pack_opt(&pk, res->annotator_dictionaries);

    if (it->meta && it->meta_len) {
        s_pack_key(&pk, "meta");
        wt_buf_append(out, it->meta, it->meta_len);
    }
}

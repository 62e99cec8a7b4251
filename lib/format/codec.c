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
      2. one pass per map, straight into the structs (the annotated item's
         maps through the schema tables of schema.c): keys must be strings
         (EBADKEY) and unique (EDUPKEY: known keys by bit, unknown ones
         compared at the end of the map); types (ETYPE), required keys
         (EMISSING), sizes against wt_limits_t (ETOOBIG), empty strings
         (EEMPTY), NUL (ENUL), UTF-8 (EUTF8), values (EVALUE: dates, enums,
         spans, numbers). `text` is found first, spans are checked against it.
    Unknown keys are skipped (forward compatibility); the types of known keys
    are strict. Memory grows only with decoded content, never with a count.
    The annotated item is written from the same schema tables, through
    msgpack-c's packer (keys precomputed).
*/
#include "wiretag/codec.h"

#include "format/format_int.h"

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

void wt_buf_reserve(wt_buf_t *b, size_t n)
{
    if (b->size + n <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->size + n)
        cap *= 2;
    b->data = wt_realloc(b->data, cap);
    b->cap = cap;
}

void wt_buf_append(wt_buf_t *b, const void *data, size_t n)
{
    if (n == 0) return;
    wt_buf_reserve(b, n);
    memcpy(b->data + b->size, data, n);
    b->size += n;
}

void wt_buf_printf(wt_buf_t *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        wt_buf_append(b, small, (size_t)n);
        return;
    }
    wt_buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->size, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->size += (size_t)n;
}

/* ------------------------------------------------------------------ */
/* Cursor reader (format_int.h) */

static uint64_t s_be(const uint8_t *p, int k)
{
    uint64_t v = 0;
    for (int i = 0; i < k; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The value of a float (0xca, 0xcb), uint (0xcc..0xcf) or int (0xd0..0xd3)
   whose first byte c was read. */
static int s_number(wt_mp_rd_t *rd, uint8_t c, wt_mp_val_t *v)
{
    const size_t left = (size_t)(rd->end - rd->p);
    switch (c) {
    case 0xca:
    case 0xcb: {
        int k = c == 0xca ? 4 : 8;
        if (left < (size_t)k) return WT_ETRUNCATED;
        uint64_t bits = s_be(rd->p, k);
        rd->p += k;
        v->kind = WT_MP_FLOAT;
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
        v->kind = WT_MP_UINT, v->u = s_be(rd->p, k);
        rd->p += k;
        return 0;
    }
    default: { /* 0xd0..0xd3 */
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
            v->kind = WT_MP_UINT, v->u = (uint64_t)sv;
        else
            v->kind = WT_MP_INT, v->i = sv;
        return 0;
    }
    }
}

/* Read one header (and skip a str/bin/ext payload). Containers: count
   checked against the bytes left, each element needing at least 1 byte. */
static inline int s_head(wt_mp_rd_t *rd, wt_mp_val_t *v)
{
    if (rd->p >= rd->end) return WT_ETRUNCATED;
    uint8_t c = *rd->p++;
    size_t left = (size_t)(rd->end - rd->p);
    int lb = 0; /* bytes of the length / value field */
    memset(v, 0, sizeof *v);
    if (c <= 0x7f) {
        v->kind = WT_MP_UINT, v->u = c;
        return 0;
    }
    if (c >= 0xe0) {
        v->kind = WT_MP_INT, v->i = (int8_t)c;
        return 0;
    }
    if ((c & 0xf0) == 0x80) {
        v->kind = WT_MP_MAP, v->len = c & 0x0f;
        goto container;
    }
    if ((c & 0xf0) == 0x90) {
        v->kind = WT_MP_ARRAY, v->len = c & 0x0f;
        goto container;
    }
    if ((c & 0xe0) == 0xa0) {
        v->kind = WT_MP_STR, v->len = c & 0x1f;
        goto payload;
    }
    switch (c) {
    case 0xc0:
        v->kind = WT_MP_NIL;
        return 0;
    case 0xc2:
    case 0xc3:
        v->kind = WT_MP_BOOL, v->b = (c == 0xc3);
        return 0;
    case 0xc4:
    case 0xc5:
    case 0xc6:
        v->kind = WT_MP_BIN, lb = 1 << (c - 0xc4);
        break;
    case 0xc7:
    case 0xc8:
    case 0xc9:
        v->kind = WT_MP_EXT, lb = 1 << (c - 0xc7);
        break;
    case 0xca:
    case 0xcb:
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
        return s_number(rd, c, v);
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
        v->kind = WT_MP_EXT, v->len = 1u << (c - 0xd4);
        if (left < 1) return WT_ETRUNCATED;
        rd->p++; /* ext type */
        left--;
        goto payload;
    case 0xd9:
    case 0xda:
    case 0xdb:
        v->kind = WT_MP_STR, lb = 1 << (c - 0xd9);
        break;
    case 0xdc:
    case 0xdd:
        if (left < (size_t)(c == 0xdc ? 2 : 4)) return WT_ETRUNCATED;
        v->kind = WT_MP_ARRAY, v->len = (uint32_t)s_be(rd->p, c == 0xdc ? 2 : 4);
        rd->p += c == 0xdc ? 2 : 4;
        left = (size_t)(rd->end - rd->p);
        goto container;
    case 0xde:
    case 0xdf:
        if (left < (size_t)(c == 0xde ? 2 : 4)) return WT_ETRUNCATED;
        v->kind = WT_MP_MAP, v->len = (uint32_t)s_be(rd->p, c == 0xde ? 2 : 4);
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
    if (v->kind == WT_MP_EXT) {
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
    if ((uint64_t)v->len * (v->kind == WT_MP_MAP ? 2 : 1) > left) return WT_ECOUNT;
    return 0;
}

/* For json.c; codec.c's own readers inline s_head. */
int wt_mp_head(wt_mp_rd_t *rd, wt_mp_val_t *v)
{
    return s_head(rd, v);
}

#define S_STACK_MAX 256

/* Skip one complete value, iteratively; containers deeper than max_depth
   (counting the first container as depth 1) fail with EDEPTH. */
static int s_skip(wt_mp_rd_t *rd, int max_depth)
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
        wt_mp_val_t v;
        int r = s_head(rd, &v);
        if (r) return r;
        if (v.kind == WT_MP_ARRAY || v.kind == WT_MP_MAP) {
            if (d + 1 > max_depth) return WT_EDEPTH;
            d++;
            left[d] = (uint64_t)v.len * (v.kind == WT_MP_MAP ? 2 : 1);
        }
    }
    return 0;
}

int wt_msgpack_check(const uint8_t *data, size_t n, int max_depth)
{
    if (!data || n == 0) return WT_ETRUNCATED;
    wt_mp_rd_t rd = {data, data + n};
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

static bool s_keyeq(const wt_mp_val_t *k, const char *name)
{
    if (k->len == 0 || k->ptr[0] != (uint8_t)name[0]) return name[0] == 0 && k->len == 0;
    size_t n = strlen(name);
    return k->len == n && memcmp(k->ptr, name, n) == 0;
}

/* A string value: type, size, emptiness, NUL, UTF-8 (in that order). */
int wt_mp_str(const wt_mp_val_t *v, size_t max, bool nonempty)
{
    if (v->kind != WT_MP_STR) return WT_ETYPE;
    if (v->len > max) return WT_ETOOBIG;
    if (nonempty && v->len == 0) return WT_EEMPTY;
    if (v->len && memchr(v->ptr, 0, v->len)) return WT_ENUL;
    if (!wt_utf8_valid((const char *)v->ptr, v->len)) return WT_EUTF8;
    return 0;
}

/* A string or nil into *out (NULL for nil). */
static int s_opt_str(const wt_mp_val_t *v, size_t max, bool nonempty, char **out)
{
    if (v->kind == WT_MP_NIL) return 0;
    int r = wt_mp_str(v, max, nonempty);
    if (r) return r;
    free(*out);
    *out = wt_strndup((const char *)v->ptr, v->len);
    return 0;
}

static int s_u64(const wt_mp_val_t *v, uint64_t *out)
{
    if (v->kind == WT_MP_UINT) {
        *out = v->u;
        return 0;
    }
    return v->kind == WT_MP_INT ? WT_EVALUE : WT_ETYPE;
}

static int s_u32(const wt_mp_val_t *v, uint32_t *out)
{
    uint64_t u;
    int r = s_u64(v, &u);
    if (r) return r;
    if (u > UINT32_MAX) return WT_EVALUE;
    *out = (uint32_t)u;
    return 0;
}

static int s_num(const wt_mp_val_t *v, double *out)
{
    if (v->kind == WT_MP_UINT)
        *out = (double)v->u;
    else if (v->kind == WT_MP_INT)
        *out = (double)v->i;
    else if (v->kind == WT_MP_FLOAT) {
        if (!isfinite(v->f)) return WT_EVALUE;
        *out = v->f;
    } else
        return WT_ETYPE;
    return 0;
}

static int s_bool(const wt_mp_val_t *v, bool *out)
{
    if (v->kind != WT_MP_BOOL) return WT_ETYPE;
    *out = v->b;
    return 0;
}

/* An enum given as a short string. */
static int s_enum(const wt_mp_val_t *v, int (*parse)(const char *, int *), int *out)
{
    if (v->kind != WT_MP_STR) return WT_ETYPE;
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
    *out = wt_name_index(wt_topics, 21, s);
    return *out < 0 ? WT_EVALUE : 0;
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

static int s_map_keys(s_dec_t *d, wt_mp_rd_t rd, uint32_t count, int depth_left)
{
    s_key_t small[16];
    s_key_t *keys = count <= 16 ? small : wt_malloc((size_t)count * sizeof *keys);
    int r = 0;
    for (uint32_t i = 0; i < count && !r; i++) {
        wt_mp_val_t k;
        r = s_head(&rd, &k);
        if (!r && k.kind != WT_MP_STR) r = s_at(d, WT_EBADKEY, "[key %u]", i);
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
    wt_mp_rd_t body; /* the pairs, for s_keys_end */
    uint32_t count;
    uint32_t unknown;
    unsigned seen; /* known keys by index */
    int depth_left;
} s_keys_t;

/* Read a map header. */
static int s_map(s_dec_t *d, wt_mp_rd_t *rd, s_keys_t *ks, int depth_left)
{
    (void)d;
    wt_mp_val_t v;
    int r = s_head(rd, &v);
    if (r) return r;
    if (v.kind != WT_MP_MAP) return WT_ETYPE;
    memset(ks, 0, sizeof *ks);
    ks->body = *rd;
    ks->count = v.len;
    ks->depth_left = depth_left;
    return 0;
}

static int s_key(s_dec_t *d, s_keys_t *ks, int f, const wt_schema_t *s)
{
    if (f < 0) {
        ks->unknown++;
        return 0;
    }
    if (ks->seen & S_BIT(f)) return s_at(d, WT_EDUPKEY, "%s", s->fields[f].name);
    ks->seen |= S_BIT(f);
    return 0;
}

static int s_keys_end(s_dec_t *d, const s_keys_t *ks)
{
    return ks->unknown > 1 ? s_map_keys(d, ks->body, ks->count, ks->depth_left - 1) : 0;
}

/* Read the next key and the header of its value. */
static int s_kv(wt_mp_rd_t *rd, wt_mp_val_t *k, wt_mp_val_t *v, const uint8_t **vstart)
{
    int r = s_head(rd, k);
    if (r) return r;
    if (k->kind != WT_MP_STR) return WT_EBADKEY;
    *vstart = rd->p;
    return s_head(rd, v);
}

/* The semantic check of `meta` (and of any value converted to JSON):
   string keys, unique keys, UTF-8 without NUL, no bin/ext, finite floats,
   integers within int64. */
static int s_meta_value(s_dec_t *d, wt_mp_rd_t *rd, int depth_left)
{
    wt_mp_val_t v;
    int r = s_head(rd, &v);
    if (r) return r;
    switch (v.kind) {
    case WT_MP_NIL:
    case WT_MP_BOOL:
    case WT_MP_INT:
        return 0;
    case WT_MP_UINT:
        return v.u > (uint64_t)INT64_MAX ? WT_EVALUE : 0;
    case WT_MP_FLOAT:
        return isfinite(v.f) ? 0 : WT_EVALUE;
    case WT_MP_STR:
        return wt_mp_str(&v, SIZE_MAX, false);
    case WT_MP_BIN:
    case WT_MP_EXT:
        return WT_ETYPE;
    case WT_MP_ARRAY:
        if (depth_left < 1) return WT_EDEPTH;
        for (uint32_t i = 0; i < v.len; i++)
            if ((r = s_meta_value(d, rd, depth_left - 1))) return s_at(d, r, "[%u]", i);
        return 0;
    case WT_MP_MAP:
        if (depth_left < 1) return WT_EDEPTH;
        {
            /* keys collected as the map is walked, compared at the end */
            s_key_t small[16];
            s_key_t *keys = v.len <= 16 ? small : wt_malloc((size_t)v.len * sizeof *keys);
            for (uint32_t i = 0; i < v.len && !r; i++) {
                wt_mp_val_t k;
                if ((r = s_head(rd, &k))) break;
                if (k.kind != WT_MP_STR) {
                    r = s_at(d, WT_EBADKEY, "[key %u]", i);
                    break;
                }
                if ((r = wt_mp_str(&k, SIZE_MAX, false))) {
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
static int s_item_field(s_dec_t *d, const wt_mp_val_t *k, const wt_mp_val_t *v,
                        const uint8_t *vstart, wt_mp_rd_t *rd, int depth_left, wt_item_t *item)
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
        if (v->kind == WT_MP_NIL) return 1;
        char tmp[128], out[32];
        bool ok =
            v->kind == WT_MP_STR && wt_mp_str(v, lim->max_field, true) == 0 && v->len < sizeof tmp;
        if (ok) {
            memcpy(tmp, v->ptr, v->len);
            tmp[v->len] = 0;
            ok = wt_date_parse(tmp, out, sizeof out) == 0;
        }
        free(item->published);
        item->published = ok ? wt_strdup(out) : NULL;
        item->published_invalid = !ok;
        if (v->kind == WT_MP_ARRAY || v->kind == WT_MP_MAP) { /* step over it, still well-formed */
            wt_mp_rd_t m = {vstart, rd->end};
            if ((r = s_skip(&m, depth_left))) return s_at(d, r, "published");
            rd->p = m.p;
        }
        return 1;
    } else if (s_keyeq(k, "meta")) {
        if (v->kind == WT_MP_NIL) return 1;
        if (v->kind != WT_MP_MAP)
            r = WT_ETYPE;
        else {
            /* measure, limit, then check the content */
            wt_mp_rd_t m = {vstart, rd->end};
            r = s_skip(&m, depth_left);
            size_t len = (size_t)(m.p - vstart);
            if (!r && len > lim->max_meta) r = WT_ETOOBIG;
            if (!r) {
                wt_mp_rd_t c = {vstart, rd->end};
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

static int s_text(s_dec_t *d, const wt_mp_val_t *v, wt_item_t *item)
{
    int r = wt_mp_str(v, d->lim->max_text, true);
    if (r) return s_at(d, r, "text");
    item->text = wt_strndup((const char *)v->ptr, v->len);
    item->text_len = v->len;
    return 0;
}

/* Find the value of `text` in a top-level map (keys already checked). */
static int s_find_text(wt_mp_rd_t rd, uint32_t count, wt_mp_val_t *tv)
{
    for (uint32_t i = 0; i < count; i++) {
        wt_mp_val_t k;
        int r = s_head(&rd, &k);
        if (r) return r;
        if (k.kind != WT_MP_STR) return WT_EBADKEY;
        if (s_keyeq(&k, "text")) return s_head(&rd, tv);
        if ((r = s_skip(&rd, WT_MAX_DEPTH))) return r;
    }
    return WT_EMISSING;
}

/* If a value header v of a container was read but the field was rejected or
   ignored, move rd past its content. */
static int s_skip_rest(wt_mp_rd_t *rd, const uint8_t *vstart, int depth_left)
{
    rd->p = vstart;
    return s_skip(rd, depth_left);
}

static int s_item(s_dec_t *d, const uint8_t *data, size_t n, void *out)
{
    wt_item_t *item = out;
    wt_mp_rd_t rd = {data, data + n};
    s_keys_t ks;
    int r = s_map(d, &rd, &ks, WT_MAX_DEPTH);
    if (r) return r;
    wt_mp_val_t tv;
    r = s_find_text(rd, ks.count, &tv);
    if (r == WT_EMISSING) return s_at(d, r, "text");
    if (r || (r = s_text(d, &tv, item))) return r;
    for (uint32_t i = 0; i < ks.count; i++) {
        wt_mp_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(&rd, &k, &v, &vs))) return r;
        int f = wt_schema_find(&wt_schema_result, k.ptr, k.len);
        if ((r = s_key(d, &ks, f, &wt_schema_result))) return r;
        if (f >= 0 && wt_schema_result.fields[f].type == WT_FT_TEXT) continue;
        r = s_item_field(d, &k, &v, vs, &rd, WT_MAX_DEPTH - 1, item);
        if (r < 0) return r;
        if (r == 0 && (r = s_skip_rest(&rd, vs, WT_MAX_DEPTH - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks))) return r;
    wt_item_ensure_id(item);
    return 0;
}

/* Check the whole buffer, then read its top-level map with top into out;
   on failure out is cleared and errbuf says where. */
static int s_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, void *out,
                    int (*top)(s_dec_t *, const uint8_t *, size_t, void *), void (*clear)(void *),
                    char *errbuf, size_t errlen)
{
    s_dec_t d = {.lim = limits ? limits : &wt_limits_default};
    int r = wt_msgpack_check(data, n, WT_MAX_DEPTH);
    if (!r) r = top(&d, data, n, out);
    if (r) {
        clear(out);
        s_errmsg(errbuf, errlen, r, d.path);
    }
    return r;
}

static void s_item_clear(void *out)
{
    wt_item_clear(out);
}

int wt_item_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item,
                      char *errbuf, size_t errlen)
{
    memset(item, 0, sizeof *item);
    return s_decode(data, n, limits, item, s_item, s_item_clear, errbuf, errlen);
}

int wt_item_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item)
{
    return wt_item_decode_ex(data, n, limits, item, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Annotated item: the maps of the schema (schema.c), one reader for all */

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
static int s_span_check(const s_text_t *t, wt_span_t sp, const wt_mp_val_t *stext)
{
    if (sp.start > sp.end || sp.end > t->len) return WT_EVALUE;
    if (!s_boundary(t, sp.start) || !s_boundary(t, sp.end)) return WT_EVALUE;
    if (stext) {
        int r = wt_mp_str(stext, SIZE_MAX, false);
        if (r) return r;
        if (stext->len != sp.end - sp.start || memcmp(stext->ptr, t->text + sp.start, stext->len))
            return WT_EVALUE;
    }
    return 0;
}

/* The first required key of s not seen, in schema order. */
static int s_missing(s_dec_t *d, unsigned seen, const wt_schema_t *s)
{
    for (int i = 0; i < s->count; i++)
        if ((s->fields[i].flags & WT_FF_REQUIRED) && !(seen & S_BIT(i)))
            return s_at(d, WT_EMISSING, "%s", s->fields[i].name);
    return 0;
}

static int s_country(const wt_mp_val_t *v, char country[4])
{
    if (v->kind == WT_MP_NIL) {
        country[0] = 0;
        return 0;
    }
    if (v->kind != WT_MP_STR) return WT_ETYPE;
    if (v->len != 3) return WT_EVALUE;
    for (int i = 0; i < 3; i++)
        if (v->ptr[i] < 'A' || v->ptr[i] > 'Z') return WT_EVALUE;
    memcpy(country, v->ptr, 3);
    country[3] = 0;
    return 0;
}

static int s_obj(s_dec_t *d, wt_mp_rd_t *rd, const s_text_t *t, const wt_schema_t *s, char *base,
                 int depth_left);

/* Append a zeroed element to the array field f of base. */
static char *s_array_add(const wt_field_t *f, char *base)
{
    size_t *count = (size_t *)(base + f->aux), size = f->sub->size;
    wt_grow(base + f->off, (size_t *)(base + f->aux2), *count + 1, size);
    char *el = *(char **)(base + f->off) + size * (*count)++;
    memset(el, 0, size);
    return el;
}

/* An array of maps of f->sub, whose header v was read. */
static int s_array(s_dec_t *d, wt_mp_rd_t *rd, const s_text_t *t, const wt_field_t *f,
                   const wt_mp_val_t *v, char *base, int depth_left)
{
    if (v->kind != WT_MP_ARRAY) return WT_ETYPE;
    if (v->len > d->lim->max_elements) return WT_ETOOBIG;
    for (uint32_t j = 0; j < v->len; j++) {
        int r = s_obj(d, rd, t, f->sub, s_array_add(f, base), depth_left - 1);
        if (r) return s_at(d, r, "[%u]", j);
    }
    return 0;
}

/* Decode the value of field f (header v read, vs pointing at it) into base.
   A slice is kept in *slice for the check at the end of the map; *consumed
   says that rd was moved past the whole value. */
static int s_field(s_dec_t *d, wt_mp_rd_t *rd, const s_text_t *t, const wt_field_t *f,
                   const wt_mp_val_t *v, const uint8_t *vs, char *base, int depth_left,
                   wt_mp_val_t *slice, bool *consumed)
{
    void *p = base + f->off;
    int e = 0, r = 0;
    switch ((wt_ftype_t)f->type) {
    case WT_FT_STR:
        if ((f->flags & WT_FF_NOTNULL) && v->kind == WT_MP_NIL) return WT_ETYPE;
        return s_opt_str(v, d->lim->max_field, f->flags & WT_FF_NONEMPTY, p);
    case WT_FT_COUNTRY:
        return s_country(v, p);
    case WT_FT_BOOL:
        return s_bool(v, p);
    case WT_FT_U32:
        return s_u32(v, p);
    case WT_FT_U64: /* WT_FF_OMIT: nil is absent, else the flag at aux says present */
        if ((f->flags & WT_FF_OMIT) && v->kind == WT_MP_NIL) return 0;
        if ((r = s_u64(v, p)) == 0 && (f->flags & WT_FF_OMIT)) *(bool *)(base + f->aux) = true;
        return r;
    case WT_FT_DOUBLE:
        return s_num(v, p);
    case WT_FT_ACTOR_TYPE:
        if ((r = s_enum(v, s_parse_type, &e)) == 0) *(wt_actor_type_t *)p = (wt_actor_type_t)e;
        return r;
    case WT_FT_QUOTE_KIND:
        if ((r = s_enum(v, s_parse_kind, &e)) == 0) *(wt_quote_kind_t *)p = (wt_quote_kind_t)e;
        return r;
    case WT_FT_TOPIC:
        if ((r = s_enum(v, s_parse_topic, &e)) == 0) *(char **)p = wt_strdup(wt_topics[e]);
        return r;
    case WT_FT_SLICE:
        *slice = *v;
        return 0;
    case WT_FT_ARRAY:
        *consumed = v->kind == WT_MP_ARRAY;
        return s_array(d, rd, t, f, v, base, depth_left);
    case WT_FT_OBJ_OPT: /* null, or the map (then the flag at aux is set) */
        if (v->kind == WT_MP_NIL) return 0;
        if (v->kind != WT_MP_MAP) return WT_ETYPE;
        *consumed = true;
        rd->p = vs; /* s_obj reads the header again */
        if ((r = s_obj(d, rd, t, f->sub, p, depth_left)) == 0) *(bool *)(base + f->aux) = true;
        return r;
    case WT_FT_OBJ:
        *consumed = true;
        rd->p = vs;
        return s_obj(d, rd, t, f->sub, p, depth_left);
    case WT_FT_TEXT: /* input-item fields: read by s_item_field */
    case WT_FT_META:
        break;
    }
    return 0;
}

/* One map of schema s into the struct at base: unknown keys skipped, known
   ones strict, required ones present, a span checked against the text. */
static int s_obj(s_dec_t *d, wt_mp_rd_t *rd, const s_text_t *t, const wt_schema_t *s, char *base,
                 int depth_left)
{
    s_keys_t ks;
    int r = s_map(d, rd, &ks, depth_left);
    if (r) return r;
    wt_mp_val_t slice = {0};
    for (uint32_t i = 0; i < ks.count; i++) {
        wt_mp_val_t k, v;
        const uint8_t *vs;
        if ((r = s_kv(rd, &k, &v, &vs))) return r;
        int f = wt_schema_find(s, k.ptr, k.len);
        if ((r = s_key(d, &ks, f, s))) return r;
        bool consumed = false;
        if (f >= 0 &&
            (r = s_field(d, rd, t, &s->fields[f], &v, vs, base, depth_left - 1, &slice, &consumed)))
            return s_at(d, r, "%s", s->fields[f].name);
        if (!consumed && (v.kind == WT_MP_ARRAY || v.kind == WT_MP_MAP))
            if ((r = s_skip_rest(rd, vs, depth_left - 1))) return r;
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, s))) return r;
    if (s->slice >= 0) {
        const wt_span_t *sp = (const wt_span_t *)(base + s->fields[s->slice].off);
        if ((r = s_span_check(t, *sp, &slice))) return s_at(d, r, "text");
    }
    return 0;
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

/* The top-level map: `text` first, input-item fields through the item
   reader, the rest through the schema. */
static int s_result(s_dec_t *d, const uint8_t *data, size_t n, void *out)
{
    wt_result_t *res = out;
    const wt_schema_t *s = &wt_schema_result;
    const int depth = WT_MAX_DEPTH - 1; /* budget below the top-level map */
    wt_mp_rd_t rd = {data, data + n};
    s_keys_t ks;
    int r = s_map(d, &rd, &ks, WT_MAX_DEPTH);
    if (r) return r;
    wt_mp_val_t tv;
    r = s_find_text(rd, ks.count, &tv);
    if (r == WT_EMISSING) return s_at(d, r, "text");
    if (r || (r = s_text(d, &tv, &res->item))) return r;
    s_text_t t = {res->item.text, res->item.text_len};
    for (uint32_t i = 0; i < ks.count; i++) {
        wt_mp_val_t k, v, slice;
        const uint8_t *vs;
        if ((r = s_kv(&rd, &k, &v, &vs))) return r;
        int fi = wt_schema_find(s, k.ptr, k.len);
        if ((r = s_key(d, &ks, fi, s))) return r;
        const wt_field_t *f = fi >= 0 ? &s->fields[fi] : NULL;
        if (f && f->type == WT_FT_TEXT) continue;
        if (!f || (f->flags & WT_FF_ITEM)) {
            if (f && (f->flags & WT_FF_NOTNULL) && v.kind == WT_MP_NIL)
                return s_at(d, WT_ETYPE, "%s", f->name);
            r = s_item_field(d, &k, &v, vs, &rd, depth, &res->item);
            if (r < 0) return r;
            if (r == 0 && (r = s_skip_rest(&rd, vs, depth))) return r;
            continue;
        }
        bool consumed = false;
        if ((r = s_field(d, &rd, &t, f, &v, vs, (char *)res, depth, &slice, &consumed)))
            return s_at(d, r, "%s", f->name);
        if (!consumed && (v.kind == WT_MP_ARRAY || v.kind == WT_MP_MAP))
            if ((r = s_skip_rest(&rd, vs, depth))) return r;
    }
    if ((r = s_keys_end(d, &ks)) || (r = s_missing(d, ks.seen, s))) return r;
    return s_check_speakers(d, res);
}

static void s_result_clear(void *out)
{
    wt_result_clear(out);
}

int wt_result_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_result_t *res,
                        char *errbuf, size_t errlen)
{
    memset(res, 0, sizeof *res);
    return s_decode(data, n, limits, res, s_result, s_result_clear, errbuf, errlen);
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
            s_pack_opt(&pk, vals[i]);
        }
    s_pack_key(&pk, "text");
    msgpack_pack_str_with_body(&pk, item->text ? item->text : "", item->text ? item->text_len : 0);
    if (item->meta && item->meta_len) {
        s_pack_key(&pk, "meta");
        wt_buf_append(out, item->meta, item->meta_len);
    }
}

/* The annotated item, from the schema. Keys are our own short names: a
   fixstr header and the name, appended at once. */
typedef struct {
    msgpack_packer pk;
    wt_buf_t *out;
    const wt_item_t *it;
} s_enc_t;

static void s_pack_obj(s_enc_t *e, const wt_schema_t *s, const char *base);

static void s_pack_fkey(wt_buf_t *out, const wt_field_t *f)
{
    if (out->size + 1 + sizeof f->name > out->cap) wt_buf_reserve(out, 1 + sizeof f->name);
    out->data[out->size] = (uint8_t)(0xa0 | f->len);
    memcpy(out->data + out->size + 1, f->name, sizeof f->name);
    out->size += 1 + (size_t)f->len;
}

static void s_pack_field(s_enc_t *e, const wt_field_t *f, const char *base)
{
    msgpack_packer *pk = &e->pk;
    const char *p = base + f->off;
    switch ((wt_ftype_t)f->type) {
    case WT_FT_TEXT: {
        const char *s = *(char *const *)p;
        msgpack_pack_str_with_body(pk, s ? s : "", s ? *(const size_t *)(base + f->aux) : 0);
        break;
    }
    case WT_FT_BOOL:
        if (*(const bool *)p)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case WT_FT_U32:
        msgpack_pack_uint32(pk, *(const uint32_t *)p);
        break;
    case WT_FT_U64:
        msgpack_pack_uint64(pk, *(const uint64_t *)p);
        break;
    case WT_FT_DOUBLE: {
        double v = *(const double *)p;
        msgpack_pack_double(pk, isfinite(v) ? v : 0.0);
        break;
    }
    case WT_FT_SLICE: {
        /* "" when the span is outside the text: a bug upstream, which the
           decoder on the other side will report */
        const wt_span_t *sp = (const wt_span_t *)p;
        if (e->it->text && sp->start <= sp->end && sp->end <= e->it->text_len)
            msgpack_pack_str_with_body(pk, e->it->text + sp->start, sp->end - sp->start);
        else
            msgpack_pack_str_with_body(pk, "", 0);
        break;
    }
    case WT_FT_ARRAY: {
        const char *arr = *(char *const *)p;
        size_t n = *(const size_t *)(base + f->aux);
        msgpack_pack_array(pk, n);
        for (size_t i = 0; i < n; i++)
            s_pack_obj(e, f->sub, arr + i * f->sub->size);
        break;
    }
    case WT_FT_OBJ_OPT:
        if (*(const bool *)(base + f->aux))
            s_pack_obj(e, f->sub, p);
        else
            msgpack_pack_nil(pk);
        break;
    case WT_FT_OBJ:
        s_pack_obj(e, f->sub, p);
        break;
    case WT_FT_META:
        wt_buf_append(e->out, *(uint8_t *const *)p, *(const size_t *)(base + f->aux));
        break;
    default: /* strings and enums */
        s_pack_opt(pk, wt_field_str(f, base));
        break;
    }
}

static void s_pack_obj(s_enc_t *e, const wt_schema_t *s, const char *base)
{
    size_t n = s->count;
    if (s->omits)
        for (int i = 0; i < s->count; i++)
            n -= !wt_field_present(&s->fields[i], base);
    msgpack_pack_map(&e->pk, n);
    for (int i = 0; i < s->count; i++) {
        const wt_field_t *f = &s->fields[i];
        if (s->omits && !wt_field_present(f, base)) continue;
        s_pack_fkey(e->out, f);
        s_pack_field(e, f, base);
    }
}

void wt_result_encode(const wt_result_t *res, wt_buf_t *out)
{
    const wt_item_t *it = &res->item;
    size_t est = it->text_len + it->meta_len + 512 + 160 * res->actor_count +
                 96 * res->issue_count + 160 * res->quote_count;
    for (size_t i = 0; i < res->actor_count; i++)
        est += 40 * res->actors[i].mention_count;
    wt_buf_reserve(out, est);
    s_enc_t e = {.out = out, .it = it};
    msgpack_packer_init(&e.pk, out, s_write);
    s_pack_obj(&e, &wt_schema_result, (const char *)res);
}

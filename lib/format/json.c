/*  json.c: JSON in and out.

    In: jansson parses (strict UTF-8, duplicate keys rejected, \u0000
    refused, line/column in errors); before that a one-pass scan refuses raw
    NUL bytes and nesting deeper than WT_MAX_DEPTH, so jansson never recurses
    deep. The parsed tree is packed into MessagePack and decoded by the
    MessagePack decoder of codec.c: the JSON and MessagePack decoders share
    one set of checks and one set of error codes.

    Out: a small hand-written writer, not jansson objects: the annotated item
    is written field by field from the schema tables of schema.c (the
    ARCHITECTURE.md order, byte-exact names, keys precomputed), without
    building a tree (one pass, no allocation per field).
    Strings are escaped per RFC 8259; invalid UTF-8 (possible only through a
    hand-built struct) is written as U+FFFD so the output is always valid
    JSON. Doubles use the shortest of %.15g/%.16g/%.17g that reads back
    exactly, with ".0" added to integral values so they stay reals.
*/
#include "wiretag/json.h"
#include "wiretag/utf8.h"

#include "format/format_int.h"

#include <jansson.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Input */

/* Raw NUL anywhere -> ENUL; [ { nested deeper than WT_MAX_DEPTH -> EDEPTH.
   A string is skipped with memchr to its next '"' (the quote is escaped
   when an odd number of backslashes stands before it): the article text,
   most of an item's bytes, is not walked byte by byte twice. */
static int s_scan(const char *s, size_t n)
{
    if (n && memchr(s, 0, n)) return WT_ENUL;
    int depth = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i++];
        if (c == '"') {
            for (;;) {
                const char *q = memchr(s + i, '"', n - i);
                if (!q) return 0; /* unterminated: jansson says where */
                size_t end = (size_t)(q - s), k = end;
                while (k > i && s[k - 1] == '\\')
                    k--;
                i = end + 1;
                if ((end - k) % 2 == 0) break;
            }
        } else if (c == '[' || c == '{') {
            if (++depth > WT_MAX_DEPTH) return WT_EDEPTH;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 0;
}

static int s_jerr(const json_error_t *e, char *errbuf, size_t errlen)
{
    int code;
    switch (json_error_code(e)) {
    case json_error_invalid_utf8:
        code = WT_EUTF8;
        break;
    case json_error_premature_end_of_input:
        code = WT_ETRUNCATED;
        break;
    case json_error_end_of_input_expected:
        code = WT_ETRAILING;
        break;
    case json_error_null_character:
    case json_error_null_byte_in_key:
        code = WT_ENUL;
        break;
    case json_error_duplicate_key:
        code = WT_EDUPKEY;
        break;
    case json_error_numeric_overflow:
        code = WT_EVALUE;
        break;
    case json_error_stack_overflow:
        code = WT_EDEPTH;
        break;
    default:
        /* lone surrogates in \u escapes are a UTF-8 problem, not syntax */
        code = strncmp(e->text, "invalid Unicode", 15) == 0 ? WT_EUTF8 : WT_ESYNTAX;
        break;
    }
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "line %d column %d: %s", e->line, e->column, e->text);
    return code;
}

static int s_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

/* Pack a jansson tree (depth already bounded by s_scan). */
static void s_pack(msgpack_packer *pk, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        size_t klen;
        json_t *v;
        msgpack_pack_map(pk, json_object_size(j));
        json_object_keylen_foreach((json_t *)j, k, klen, v)
        {
            msgpack_pack_str_with_body(pk, k, klen);
            s_pack(pk, v);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        msgpack_pack_array(pk, json_array_size(j));
        json_array_foreach(j, i, v) s_pack(pk, v);
        break;
    }
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        msgpack_pack_int64(pk, json_integer_value(j));
        break;
    case JSON_REAL:
        msgpack_pack_double(pk, json_real_value(j));
        break;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        break;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        break;
    case JSON_NULL:
        msgpack_pack_nil(pk);
        break;
    }
}

/* Parse JSON text into MessagePack. */
static int s_json_to_mp(const char *json, size_t n, wt_buf_t *out, char *errbuf, size_t errlen)
{
    int r = s_scan(json, n);
    if (r) {
        if (errbuf && errlen) snprintf(errbuf, errlen, "%s", wt_strerror(r));
        return r;
    }
    json_error_t e;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!root) return s_jerr(&e, errbuf, errlen);
    /* an item's MessagePack is about as long as its JSON (the text
       dominates): one reservation instead of a doubling realloc per item */
    wt_buf_reserve(out, n + 64);
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, s_write);
    s_pack(&pk, root);
    json_decref(root);
    return 0;
}

/* Upper bound on the JSON size of an item within the limits (every byte of
   the text escaped as \u00XX, meta, other fields). Longer input is refused
   before jansson spends time and memory on it. */
static size_t s_max_json(const wt_limits_t *lim)
{
    return 6 * lim->max_text + 8 * lim->max_meta + 64 * lim->max_field + 4096;
}

int wt_item_from_json(const char *json, size_t n, const wt_limits_t *limits, wt_item_t *item,
                      char *errbuf, size_t errlen)
{
    const wt_limits_t *lim = limits ? limits : &wt_limits_default;
    memset(item, 0, sizeof *item);
    if (n > s_max_json(lim)) {
        if (errbuf && errlen) snprintf(errbuf, errlen, "%s", wt_strerror(WT_ETOOBIG));
        return WT_ETOOBIG;
    }
    wt_buf_t mp;
    wt_buf_init(&mp);
    int r = s_json_to_mp(json, n, &mp, errbuf, errlen);
    if (!r) r = wt_item_decode_ex(mp.data, mp.size, lim, item, errbuf, errlen);
    wt_buf_free(&mp);
    return r;
}

int wt_result_from_json(const char *json, size_t n, wt_result_t *res, char *errbuf, size_t errlen)
{
    memset(res, 0, sizeof *res);
    wt_buf_t mp;
    wt_buf_init(&mp);
    int r = s_json_to_mp(json, n, &mp, errbuf, errlen);
    if (!r) r = wt_result_decode_ex(mp.data, mp.size, NULL, res, errbuf, errlen);
    wt_buf_free(&mp);
    return r;
}

int wt_json_to_msgpack(const char *json, size_t n, wt_buf_t *out)
{
    size_t mark = out->size;
    int r = s_json_to_mp(json, n, out, NULL, 0);
    if (r) out->size = mark;
    return r;
}

/* ------------------------------------------------------------------ */
/* Output writer */

#define S_JW_MAXD (WT_MAX_DEPTH + 8)

typedef struct {
    wt_buf_t *out;
    bool pretty;
    bool after_key;
    int depth;
    bool first[S_JW_MAXD + 1];
} s_jw_t;

static inline void s_reserve(wt_buf_t *b, size_t extra)
{
    if (b->size + extra > b->cap) wt_buf_reserve(b, extra);
}

static inline void s_put(wt_buf_t *b, const char *s, size_t n)
{
    s_reserve(b, n);
    memcpy(b->data + b->size, s, n);
    b->size += n;
}

static inline void s_putc(wt_buf_t *b, char c)
{
    s_reserve(b, 1);
    b->data[b->size++] = (uint8_t)c;
}

static void s_newline(s_jw_t *w, int depth)
{
    s_reserve(w->out, 1 + 2 * (size_t)depth);
    w->out->data[w->out->size++] = '\n';
    memset(w->out->data + w->out->size, ' ', 2 * (size_t)depth);
    w->out->size += 2 * (size_t)depth;
}

/* Before a value or a key: separator, newline and indent as needed. */
static void s_jw_pre(s_jw_t *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) return;
    if (!w->first[w->depth]) s_putc(w->out, ',');
    w->first[w->depth] = false;
    if (w->pretty) s_newline(w, w->depth);
}

static void s_escape(wt_buf_t *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    s_reserve(b, n + 2);
    s_putc(b, '"');
    size_t i = 0, run = 0;
    while (i < n) {
        /* skip 8 plain bytes at a time: none below 0x20, none '"' or '\\',
           none >= 0x80 (the usual SWAR tests; each "any byte" answer is exact) */
        while (n - i >= 8) {
            const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
            uint64_t x, q, bs;
            memcpy(&x, s + i, 8);
            q = x ^ (ones * '"');
            bs = x ^ (ones * '\\');
            if ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) | x) & high)
                break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        size_t k = 0;
        if (c >= 0x80) {
            uint32_t cp;
            k = wt_utf8_seq(s + i, n - i, &cp);
            if (k) {
                i += k;
                continue;
            }
        }
        s_put(b, str + run, i - run);
        static const char two[] = "\"\\\n\r\t\b\f", as[] = "\"\\nrtbf";
        const char *m = c && c < 0x80 ? memchr(two, c, sizeof two - 1) : NULL;
        if (m) {
            char e[2] = {'\\', as[m - two]};
            s_put(b, e, 2);
        } else if (c >= 0x80) {
            s_put(b, "\\ufffd", 6);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            s_put(b, u, 6);
        }
        i++;
        run = i;
    }
    s_put(b, str + run, n - run);
    s_putc(b, '"');
}

static void s_jw_open(s_jw_t *w, char c)
{
    s_jw_pre(w);
    s_putc(w->out, c);
    if (w->depth < S_JW_MAXD) w->depth++;
    w->first[w->depth] = true;
}

static void s_jw_close(s_jw_t *w, char c)
{
    if (w->pretty && !w->first[w->depth]) s_newline(w, w->depth - 1);
    w->depth--;
    s_putc(w->out, c);
}

static void s_jw_strn(s_jw_t *w, const char *s, size_t n)
{
    s_jw_pre(w);
    s_escape(w->out, s, n);
}

/* NULL -> null */
static void s_jw_opt(s_jw_t *w, const char *s)
{
    if (s) {
        s_jw_strn(w, s, strlen(s));
    } else {
        s_jw_pre(w);
        s_put(w->out, "null", 4);
    }
}

static void s_jw_raw(s_jw_t *w, const char *s)
{
    s_jw_pre(w);
    s_put(w->out, s, strlen(s));
}

/* Decimal digits of v, right-aligned in tmp[24]; returns the first. */
static char *s_utoa(uint64_t v, char tmp[24])
{
    char *p = tmp + 24;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

static void s_jw_u64(s_jw_t *w, uint64_t v)
{
    char tmp[24];
    char *p = s_utoa(v, tmp);
    s_jw_pre(w);
    s_put(w->out, p, (size_t)(tmp + 24 - p));
}

static void s_jw_i64(s_jw_t *w, int64_t v)
{
    char tmp[24];
    char *p = s_utoa(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, tmp);
    if (v < 0) *--p = '-';
    s_jw_pre(w);
    s_put(w->out, p, (size_t)(tmp + 24 - p));
}

/* Fast path for values with at most 6 decimals and 1e-4 <= |v| < 1e9:
   k / 1e6 == v exactly means the decimal k * 1e-6 reads back as v, and it
   is what %.15g would print (fixed notation in that range). 0 otherwise. */
static int s_fmt_decimal(double v, char *out)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e9)) return 0;
    long long k = llround(v * 1e6);
    if ((double)k / 1e6 != v) return 0;
    unsigned long long u = k < 0 ? (unsigned long long)-k : (unsigned long long)k;
    char digits[24];
    char *p = s_utoa(u / 1000000, digits);
    int len = 0;
    if (k < 0) out[len++] = '-';
    memcpy(out + len, p, (size_t)(digits + 24 - p));
    len += (int)(digits + 24 - p);
    out[len++] = '.';
    unsigned frac = (unsigned)(u % 1000000);
    char f[6];
    for (int i = 5; i >= 0; i--, frac /= 10)
        f[i] = (char)('0' + frac % 10);
    int nf = 6;
    while (nf > 1 && f[nf - 1] == '0')
        nf--;
    memcpy(out + len, f, (size_t)nf);
    return len + nf;
}

/* %.*g of v's 17 significant digits d (exponent x) cut to prec digits,
   as printf writes it: fixed notation for -4 <= x < prec, else d.ddde+XX;
   trailing zeros dropped. */
static int s_fmt_g(bool neg, const char *d, int x, int prec, char *out)
{
    int nd = prec, len = 0;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    if (neg) out[len++] = '-';
    if (x < -4 || x >= prec) {
        out[len++] = d[0];
        if (nd > 1) {
            out[len++] = '.';
            memcpy(out + len, d + 1, (size_t)nd - 1);
            len += nd - 1;
        }
        len += sprintf(out + len, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            out[len++] = i < nd ? d[i] : '0';
        if (nd > x + 1) {
            out[len++] = '.';
            memcpy(out + len, d + x + 1, (size_t)(nd - x - 1));
            len += nd - x - 1;
        }
    } else {
        out[len++] = '0';
        out[len++] = '.';
        for (int i = -1; i > x; i--)
            out[len++] = '0';
        memcpy(out + len, d, (size_t)nd);
        len += nd;
    }
    out[len] = 0;
    return len;
}

/* The shortest of %.15g/%.16g/%.17g that reads back as v, with one printf
   of 17 digits instead of up to three: the 15- and 16-digit forms are those
   digits rounded, except when the cut digits are exactly "5" / "50", where
   rounding the rounded digits may differ from rounding v itself (then -1:
   the caller prints each precision). */
static int s_fmt_shortest(double v, char *out)
{
    char e[40];
    snprintf(e, sizeof e, "%.16e", v);
    bool neg = e[0] == '-';
    const char *p = e + neg;
    char d17[17];
    d17[0] = p[0];
    memcpy(d17 + 1, p + 2, 16);
    int x17 = atoi(p + 19);
    for (int prec = 15; prec <= 16; prec++) {
        if (d17[prec] == '5' && (prec == 16 || d17[16] == '0')) return -1;
        char d[17];
        int x = x17;
        memcpy(d, d17, (size_t)prec);
        if (d17[prec] > '5' || (d17[prec] == '5' && prec == 15)) {
            int i = prec - 1;
            while (i >= 0 && d[i] == '9')
                d[i--] = '0';
            if (i >= 0) {
                d[i]++;
            } else {
                memmove(d + 1, d, (size_t)prec - 1);
                d[0] = '1';
                x++;
            }
        }
        int len = s_fmt_g(neg, d, x, prec, out);
        if (strtod(out, NULL) == v) return len;
    }
    return s_fmt_g(neg, d17, x17, 17, out);
}

static void s_jw_double(s_jw_t *w, double v)
{
    char tmp[40];
    if (!isfinite(v)) v = 0.0;
    if (v == 0 && !signbit(v)) {
        s_jw_raw(w, "0.0");
        return;
    }
    int len = s_fmt_decimal(v, tmp);
    if (len) {
        s_jw_pre(w);
        s_put(w->out, tmp, (size_t)len);
        return;
    }
    len = v != 0 ? s_fmt_shortest(v, tmp) : -1;
    for (int prec = 15; len < 0 && prec <= 17; prec++) {
        int l = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v || prec == 17) len = l;
    }
    if (!strpbrk(tmp, ".eEn")) {
        tmp[len++] = '.';
        tmp[len++] = '0';
        tmp[len] = 0;
    }
    s_jw_pre(w);
    s_put(w->out, tmp, (size_t)len);
}

/* ------------------------------------------------------------------ */
/* MessagePack value -> JSON (meta pass-through), with codec.c's cursor
   reader, limited to what JSON can hold. */

static int s_mp_value(s_jw_t *w, wt_mp_rd_t *rd, int depth);

/* The pairs of a map whose header v was read: keys must be strings. */
static int s_mp_pairs(s_jw_t *w, wt_mp_rd_t *rd, const wt_mp_val_t *v, int depth)
{
    for (uint32_t i = 0; i < v->len; i++) {
        wt_mp_val_t k;
        int r = wt_mp_head(rd, &k);
        if (r) return r;
        if (k.kind != WT_MP_STR) return WT_EBADKEY;
        if ((r = wt_mp_str(&k, SIZE_MAX, false))) return r;
        s_jw_pre(w);
        s_escape(w->out, (const char *)k.ptr, k.len);
        s_put(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
        w->after_key = true;
        if ((r = s_mp_value(w, rd, depth - 1))) return r;
    }
    return 0;
}

/* Write one value; the data was checked by wt_msgpack_check (structure).
   Keys must be strings; bin, ext and non-finite floats have no JSON form. */
static int s_mp_value(s_jw_t *w, wt_mp_rd_t *rd, int depth)
{
    wt_mp_val_t v;
    int r = wt_mp_head(rd, &v);
    if (r) return r;
    switch (v.kind) {
    case WT_MP_NIL:
        s_jw_raw(w, "null");
        return 0;
    case WT_MP_BOOL:
        s_jw_raw(w, v.b ? "true" : "false");
        return 0;
    case WT_MP_UINT:
        s_jw_u64(w, v.u);
        return 0;
    case WT_MP_INT:
        s_jw_i64(w, v.i);
        return 0;
    case WT_MP_FLOAT:
        if (!isfinite(v.f)) return WT_EVALUE;
        s_jw_double(w, v.f);
        return 0;
    case WT_MP_STR:
        if ((r = wt_mp_str(&v, SIZE_MAX, false))) return r;
        s_jw_strn(w, (const char *)v.ptr, v.len);
        return 0;
    case WT_MP_BIN:
    case WT_MP_EXT:
        return WT_ETYPE;
    case WT_MP_ARRAY:
    case WT_MP_MAP:
        break;
    }
    if (depth < 1) return WT_EDEPTH;
    bool map = v.kind == WT_MP_MAP;
    s_jw_open(w, map ? '{' : '[');
    if (map)
        r = s_mp_pairs(w, rd, &v, depth);
    else
        for (uint32_t i = 0; i < v.len && !r; i++)
            r = s_mp_value(w, rd, depth - 1);
    if (r) return r;
    s_jw_close(w, map ? '}' : ']');
    return 0;
}

/* Write a MessagePack value as JSON; on failure nothing is written and the
   writer is unchanged. */
static int s_jw_msgpack(s_jw_t *w, const uint8_t *data, size_t n, int depth)
{
    int r = wt_msgpack_check(data, n, depth);
    if (r) return r;
    s_jw_t save = *w;
    size_t mark = w->out->size;
    wt_mp_rd_t rd = {data, data + n};
    r = s_mp_value(w, &rd, depth);
    if (r) {
        *w = save;
        w->out->size = mark;
    }
    return r;
}

int wt_msgpack_to_json(const uint8_t *data, size_t n, wt_buf_t *out)
{
    s_jw_t w = {.out = out};
    return s_jw_msgpack(&w, data, n, WT_MAX_DEPTH);
}

/* ------------------------------------------------------------------ */
/* The annotated item, from the schema (schema.c) */

static void s_jw_obj(s_jw_t *w, const wt_schema_t *s, const char *base, const wt_item_t *it);

/* Our own key names: nothing to escape; ",\"name\":" is in the table
   (fixed-size copies, advanced by the name's length). */
static inline void s_jw_fkey(s_jw_t *w, const wt_field_t *f)
{
    wt_buf_t *b = w->out;
    if (w->pretty) {
        s_jw_pre(w); /* comma, newline, indent: before the room is counted */
        s_reserve(b, sizeof f->jkey + 1);
        memcpy(b->data + b->size, f->jkey + 1, 16);
        b->size += (size_t)f->len + 3;
        b->data[b->size++] = ' ';
    } else {
        size_t skip = w->first[w->depth];
        s_reserve(b, sizeof f->jkey);
        memcpy(b->data + b->size, f->jkey + skip, 16);
        b->size += (size_t)f->len + 4 - skip;
        w->first[w->depth] = false;
    }
    w->after_key = true;
}

static void s_jw_field(s_jw_t *w, const wt_field_t *f, const char *base, const wt_item_t *it)
{
    const char *p = base + f->off;
    switch ((wt_ftype_t)f->type) {
    case WT_FT_TEXT: {
        const char *s = *(char *const *)p;
        s_jw_strn(w, s ? s : "", s ? *(const size_t *)(base + f->aux) : 0);
        break;
    }
    case WT_FT_BOOL:
        s_jw_raw(w, *(const bool *)p ? "true" : "false");
        break;
    case WT_FT_U32:
        s_jw_u64(w, *(const uint32_t *)p);
        break;
    case WT_FT_U64:
        s_jw_u64(w, *(const uint64_t *)p);
        break;
    case WT_FT_DOUBLE:
        s_jw_double(w, *(const double *)p);
        break;
    case WT_FT_SLICE: {
        const wt_span_t *sp = (const wt_span_t *)p;
        if (it->text && sp->start <= sp->end && sp->end <= it->text_len)
            s_jw_strn(w, it->text + sp->start, sp->end - sp->start);
        else
            s_jw_strn(w, "", 0);
        break;
    }
    case WT_FT_ARRAY: {
        const char *arr = *(char *const *)p;
        size_t n = *(const size_t *)(base + f->aux);
        s_jw_open(w, '[');
        for (size_t i = 0; i < n; i++)
            s_jw_obj(w, f->sub, arr + i * f->sub->size, it);
        s_jw_close(w, ']');
        break;
    }
    case WT_FT_OBJ_OPT:
        if (*(const bool *)(base + f->aux))
            s_jw_obj(w, f->sub, p, it);
        else
            s_jw_raw(w, "null");
        break;
    case WT_FT_OBJ:
        s_jw_obj(w, f->sub, p, it);
        break;
    case WT_FT_META:
        /* meta sits at depth 2; invalid meta (only from a hand-built
           struct: decoders check it) is written as null */
        if (s_jw_msgpack(w, *(uint8_t *const *)p, *(const size_t *)(base + f->aux),
                         WT_MAX_DEPTH - 1))
            s_jw_raw(w, "null");
        break;
    default: /* strings and enums */
        s_jw_opt(w, wt_field_str(f, base));
        break;
    }
}

static void s_jw_obj(s_jw_t *w, const wt_schema_t *s, const char *base, const wt_item_t *it)
{
    s_jw_open(w, '{');
    for (int i = 0; i < s->count; i++) {
        const wt_field_t *f = &s->fields[i];
        if (s->omits && !wt_field_present(f, base)) continue;
        s_jw_fkey(w, f);
        s_jw_field(w, f, base, it);
    }
    s_jw_close(w, '}');
}

void wt_result_to_json(const wt_result_t *res, bool pretty, wt_buf_t *out)
{
    const wt_item_t *it = &res->item;
    s_jw_t w = {.out = out, .pretty = pretty};
    s_reserve(out, it->text_len + 512 + 160 * (res->actor_count + res->quote_count));
    s_jw_obj(&w, &wt_schema_result, (const char *)res, it);
}

/*  json.c: JSON out.

    In: json_read.c (yajl's SAX parser into MessagePack, then the
    MessagePack decoder).

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

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
#ifdef __SSE2__
        /* 16 bytes at a time: a byte needs a look when it is '"', '\\',
           below 0x20 (max(x, 0x1f) == 0x1f) or >= 0x80 (its top bit). The
           last piece, shorter, is copied into plain padding first. */
        for (;;) {
            size_t left = n - i;
            __m128i x;
            if (left >= 16) {
                x = _mm_loadu_si128((const __m128i *)(s + i));
            } else {
                unsigned char pad[16];
                memset(pad, 'a', sizeof pad);
                memcpy(pad, s + i, left);
                x = _mm_loadu_si128((const __m128i *)pad);
            }
            const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
                          ctl = _mm_set1_epi8(0x1f);
            __m128i look = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)),
                                        _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
            unsigned hit = (unsigned)(_mm_movemask_epi8(look) | _mm_movemask_epi8(x));
            if (hit) {
                i += (size_t)__builtin_ctz(hit); /* the 8-byte test stops there */
                break;
            }
            if (left <= 16) {
                i = n;
                break;
            }
            i += 16;
        }
#endif
        /* skip 8 plain bytes at a time: none below 0x20, none '"' or '\\',
           none >= 0x80 (the usual SWAR tests: each "any byte" answer is
           exact, and so is the lowest flagged byte, as no borrow comes
           before it: on a little-endian machine, go straight to it) */
        while (n - i >= 8) {
            const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
            uint64_t x, q, bs, hit;
            memcpy(&x, s + i, 8);
            q = x ^ (ones * '"');
            bs = x ^ (ones * '\\');
            hit = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) | x) & high;
            if (hit) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                i += (size_t)__builtin_ctzll(hit) / 8;
#endif
                break;
            }
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

__extension__ typedef unsigned __int128 s_u128;

static const uint64_t s_p10[20] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};

/* The prec (15..17) significant digits of a (1e-5 <= a < 1e15) as
   printf("%.*e", prec - 1) writes them: rounded to nearest, ties to even,
   from the exact binary value; *x10 is the decimal exponent (on entry a
   guess, or INT_MIN). False outside that range (the caller asks printf).
   With a = m / 2^shift (shift in [3, 69]): N = m * 10^p / 2^shift for
   p = prec - 1 - x, and m * 10^p < 2^127 for p <= 22. */
static bool s_digits(double a, int prec, char *d, int *x10)
{
    if (!(a >= 1e-5 && a < 1e15)) return false;
    int e2;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e2), 53);
    int shift = 53 - e2;
    int x = *x10 != INT_MIN ? *x10 : (int)floor(log10(a));
    /* x from log10 (or the caller's guess) may be one off: it is right
       when the digits before rounding are prec digits; a carry to 10^prec
       after rounding is 10^(prec-1) at x + 1, as printf writes it */
    for (int tries = 0; tries < 4; tries++) {
        int p = prec - 1 - x;
        if (p < 0 || p > 22) return false;
        s_u128 t = p <= 19 ? (s_u128)s_p10[p] : (s_u128)s_p10[19] * s_p10[p - 19];
        s_u128 num = t * m, mask = ((s_u128)1 << shift) - 1, half = (s_u128)1 << (shift - 1);
        uint64_t n = (uint64_t)(num >> shift);
        if (n >= s_p10[prec]) {
            x++;
            continue;
        }
        if (n < s_p10[prec - 1]) {
            x--;
            continue;
        }
        s_u128 rem = num & mask;
        if (rem > half || (rem == half && (n & 1))) n++;
        if (n == s_p10[prec]) {
            n = s_p10[prec - 1];
            x++;
        }
        for (int i = prec - 1; i >= 0; i--, n /= 10)
            d[i] = (char)('0' + n % 10);
        *x10 = x;
        return true;
    }
    return false; /* not reached */
}

/* Whether the decimal of the prec digits d, exponent x reads back as v:
   exactly by one IEEE operation when the digits fit in 2^53 and the power
   of ten is exact (Clinger's fast path: what strtod gives), else strtod
   of the written form out. */
static bool s_reads_back(double v, const char *d, int prec, int x, const char *out)
{
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t n = 0;
    for (int i = 0; i < prec; i++)
        n = n * 10 + (uint64_t)(d[i] - '0');
    int scale = x - prec + 1;
    if (n > (1ULL << 53) || scale < -22 || scale > 22) return strtod(out, NULL) == v;
    double r = scale < 0 ? (double)n / p10[-scale] : (double)n * p10[scale];
    return (v < 0 ? -r : r) == v;
}

/* The shortest of %.15g/%.16g/%.17g that reads back as v. In the range of
   s_digits each precision's digits are exact; elsewhere one printf of 17
   digits, the 15- and 16-digit forms being those digits rounded, except
   when the cut digits are exactly "5" / "50", where rounding the rounded
   digits may differ from rounding v itself (then -1: the caller prints
   each precision). */
static int s_fmt_shortest(double v, char *out)
{
    bool neg = v < 0;
    char d[17], d17[17];
    int x = INT_MIN;
    for (int prec = 15; prec <= 17; prec++) {
        if (!s_digits(fabs(v), prec, d, &x)) break;
        int len = s_fmt_g(neg, d, x, prec, out);
        if (prec == 17 || s_reads_back(v, d, prec, x, out)) return len;
    }
    if (x != INT_MIN) return -1; /* not reached: s_digits is all or none */
    char e[40];
    snprintf(e, sizeof e, "%.16e", v);
    const char *p = e + neg;
    d17[0] = p[0];
    memcpy(d17 + 1, p + 2, 16);
    int x17 = atoi(p + 19);
    for (int prec = 15; prec <= 16; prec++) {
        if (d17[prec] == '5' && (prec == 16 || d17[16] == '0')) return -1;
        x = x17;
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
        if (s_reads_back(v, d, prec, x, out)) return len;
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

/*  json_read.c: JSON in (wt_item_from_json, wt_result_from_json,
    wt_json_to_msgpack).

    yajl's SAX parser (Debian libyajl2; docs/FORMATS.md says why not
    jansson: yajl reads 7x faster) packs MessagePack as it parses, with no
    tree in between. What yajl does not check, we do: a one-pass scan first
    refuses raw NUL bytes, nesting deeper than WT_MAX_DEPTH, \u0000 and
    lone surrogate escapes; the callbacks check UTF-8 fully and refuse
    duplicate keys and out-of-range numbers; what follows the top-level
    value must be blank. Errors give line and column. The MessagePack is
    decoded by the decoder of codec.c: the JSON and MessagePack decoders
    share one set of checks and one set of error codes. The writer is
    json.c.
*/
#include "wiretag/json.h"

#include "format/format_int.h"

#include <errno.h>
#include <math.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
/* ------------------------------------------------------------------ */
/* Input: yajl's SAX parser, packed into MessagePack as it goes */

static int s_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

/* An error with its place: 1-based line, and column in characters (UTF-8
   continuation bytes do not count), of byte `at` of the input. */
typedef struct {
    int code;
    size_t at;
    char msg[200];
} s_jerr_t;

static void s_fail(s_jerr_t *e, int code, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_fail(s_jerr_t *e, int code, size_t at, const char *fmt, ...)
{
    if (e->code) return; /* the first error is the one reported */
    e->code = code;
    e->at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

static void s_report(const s_jerr_t *e, const char *s, size_t n, char *errbuf, size_t errlen)
{
    if (!errbuf || !errlen) return;
    size_t at = e->at < n ? e->at : n, start = 0;
    int line = 1, col = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + at - p))) != NULL; p++) {
        line++;
        start = (size_t)(p - s) + 1;
    }
    for (size_t i = start; i < at; i++)
        col += ((unsigned char)s[i] & 0xC0) != 0x80;
    snprintf(errbuf, errlen, "line %d column %d: %s", line, col, e->msg);
}

static int s_hex4(const char *p, size_t avail, uint32_t *v)
{
    if (avail < 4) return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return 0;
        x = x << 4 | (uint32_t)d;
    }
    *v = x;
    return 1;
}

/* The escape \u at s[k]: \u0000 (ENUL) and surrogates that are not a high
   one followed by a low one (EUTF8) are refused here, as yajl would pass
   NUL on and turn a lone surrogate into '?'. *skip: the bytes to step over
   (2 when the hex digits are bad: yajl reports that). */
static int s_uesc(const char *s, size_t n, size_t k, size_t *skip, s_jerr_t *e)
{
    uint32_t u, lo;
    *skip = 2;
    if (!s_hex4(s + k + 2, n - k - 2, &u)) return 0;
    *skip = 6;
    if (u == 0) {
        s_fail(e, WT_ENUL, k, "\\u0000 in a string: NUL characters are not accepted");
        return WT_ENUL;
    }
    if (u < 0xD800 || u > 0xDFFF) return 0;
    if (u <= 0xDBFF && n - k >= 12 && s[k + 6] == '\\' && s[k + 7] == 'u' &&
        s_hex4(s + k + 8, n - k - 8, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        *skip = 12;
        return 0;
    }
    s_fail(e, WT_EUTF8, k,
           "invalid Unicode '\\u%.4s': a lone UTF-16 surrogate (write the character itself, "
           "or a \\uD8xx\\uDCxx pair)",
           s + k + 2);
    return WT_EUTF8;
}

/* One pass before the parser: raw NUL anywhere -> ENUL; [ { nested deeper
   than WT_MAX_DEPTH -> EDEPTH; \u escapes (s_uesc); form feeds and
   vertical tabs outside strings -> ESYNTAX. A string is skipped
   with memchr to its next '"' and its backslashes with memchr: the article
   text, most of an item's bytes, is not walked byte by byte. */
static int s_scan(const char *s, size_t n, s_jerr_t *e)
{
    const char *nul = n ? memchr(s, 0, n) : NULL;
    if (nul) {
        s_fail(e, WT_ENUL, (size_t)(nul - s),
               "a NUL byte in the input: JSON text has none (is this a binary file?)");
        return WT_ENUL;
    }
    int depth = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i++];
        if (c == '"') {
            for (;;) {
                const char *q = memchr(s + i, '"', n - i), *b;
                size_t end = q ? (size_t)(q - s) : n;
                while (i < end && (b = memchr(s + i, '\\', end - i)) != NULL) {
                    size_t k = (size_t)(b - s), skip = 2;
                    if (k + 1 < n && s[k + 1] == 'u' && s_uesc(s, n, k, &skip, e)) return e->code;
                    i = k + skip;
                }
                if (!q) return 0;      /* unterminated: the parser says where */
                if (i > end) continue; /* that quote was escaped */
                i = end + 1;
                break;
            }
        } else if (c == '\f' || c == '\v') { /* yajl takes them for blanks */
            s_fail(e, WT_ESYNTAX, i - 1,
                   "a %s between values: JSON separates with spaces, tabs and newlines only",
                   c == '\f' ? "form feed" : "vertical tab");
            return WT_ESYNTAX;
        } else if (c == '[' || c == '{') {
            if (++depth > WT_MAX_DEPTH) {
                s_fail(e, WT_EDEPTH, i - 1, "arrays and objects nested deeper than %d levels",
                       WT_MAX_DEPTH);
                return WT_EDEPTH;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 0;
}

typedef struct {
    size_t hdr;     /* offset of the 5 bytes kept for the header */
    uint32_t count; /* elements (arrays) or pairs (maps) so far */
    size_t keys;    /* first key of this map in the key list */
    bool map;
} s_frame_t;

typedef struct {
    size_t off; /* of the key's bytes in out */
    uint32_t len;
} s_kref_t;

/* Keys compared at once while a map has at most this many; a larger map's
   keys are sorted and compared when it closes. */
#define S_KEYS_NEAR 16

typedef struct {
    msgpack_packer pk;
    wt_buf_t *out;
    const char *json;
    size_t n;
    yajl_handle h;
    int depth;
    s_frame_t fr[WT_MAX_DEPTH + 1];
    s_kref_t *keys;
    size_t nkeys, capkeys;
    size_t end; /* after the top-level value, once read */
    s_jerr_t *e;
} s_sax_t;

/* Where the parser is: the start of a string that lies in the input,
   else the end of the last token read. */
static size_t s_where(const s_sax_t *x, const void *p)
{
    const char *c = p;
    if (c && c >= x->json && c < x->json + x->n) return (size_t)(c - x->json);
    return yajl_get_bytes_consumed(x->h);
}

/* A new value in the current container. */
static int s_elem(s_sax_t *x)
{
    if (x->depth && !x->fr[x->depth - 1].map) x->fr[x->depth - 1].count++;
    return 1;
}

/* A scalar at the top level: where it ends (x->end) must be followed by
   blanks only, which yajl does not check when the rest is an unclosed
   string ("0\"x" passes there). A string or number whose text lies in the
   input ends at its start plus len (and the closing quote); a number that
   does not was buffered by yajl because it ran to the end of the input;
   anything else ends where the parser is. */
static void s_top(s_sax_t *x, const void *p, size_t len, size_t quotes)
{
    if (x->depth) return;
    const char *c = p;
    if (c && c >= x->json && c < x->json + x->n)
        x->end = (size_t)(c - x->json) + len + quotes;
    else if (c && !quotes)
        x->end = x->n;
    else
        x->end = yajl_get_bytes_consumed(x->h);
}

static int s_text(s_sax_t *x, const unsigned char *s, size_t len)
{
    size_t bad = wt_utf8_bad((const char *)s, len);
    if (bad == len) return 1;
    size_t at = s_where(x, s);
    if (at < x->n && (const char *)s == x->json + at) at += bad;
    s_fail(x->e, WT_EUTF8, at,
           "invalid UTF-8 (byte 0x%02x): items must be UTF-8 (convert with iconv, e.g. "
           "iconv -f WINDOWS-1252 -t UTF-8)",
           s[bad]);
    return 0;
}

static int s_null(void *ctx)
{
    s_sax_t *x = ctx;
    s_elem(x);
    s_top(x, NULL, 0, 0);
    msgpack_pack_nil(&x->pk);
    return 1;
}

static int s_bool(void *ctx, int b)
{
    s_sax_t *x = ctx;
    s_elem(x);
    s_top(x, NULL, 0, 0);
    if (b)
        msgpack_pack_true(&x->pk);
    else
        msgpack_pack_false(&x->pk);
    return 1;
}

/* Numbers as jansson read them: no '.', 'e' or 'E' is an int64, else a
   double (strtod); out of range either way is EVALUE. */
static int s_number(void *ctx, const char *s, size_t len)
{
    s_sax_t *x = ctx;
    char small[64], *t = len < sizeof small ? small : wt_malloc(len + 1);
    memcpy(t, s, len);
    t[len] = 0;
    bool real = memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len);
    int ok = 1;
    errno = 0;
    s_elem(x);
    s_top(x, s, len, 0);
    if (real) {
        double d = strtod(t, NULL);
        if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
            ok = 0;
        else
            msgpack_pack_double(&x->pk, d);
    } else {
        long long v = strtoll(t, NULL, 10);
        if (errno == ERANGE)
            ok = 0;
        else
            msgpack_pack_int64(&x->pk, v);
    }
    if (!ok)
        s_fail(x->e, WT_EVALUE, s_where(x, s),
               "number %.*s%s is out of range (%s): send it as a string", len > 40 ? 40 : (int)len,
               s, len > 40 ? "..." : "", real ? "beyond a double" : "integers are 64-bit signed");
    if (t != small) free(t);
    return ok;
}

static int s_string(void *ctx, const unsigned char *s, size_t len)
{
    s_sax_t *x = ctx;
    if (!s_text(x, s, len)) return 0;
    s_elem(x);
    s_top(x, s, len, 1);
    msgpack_pack_str_with_body(&x->pk, s, len);
    return 1;
}

static int s_key(void *ctx, const unsigned char *s, size_t len)
{
    s_sax_t *x = ctx;
    if (!s_text(x, s, len)) return 0;
    s_frame_t *f = &x->fr[x->depth - 1];
    if (++f->count <= S_KEYS_NEAR) {
        for (size_t i = f->keys; i < x->nkeys; i++)
            if (x->keys[i].len == len && !memcmp(x->out->data + x->keys[i].off, s, len)) {
                s_fail(x->e, WT_EDUPKEY, s_where(x, s),
                       "duplicate key \"%.*s\": a key may occur once in an object",
                       len > 64 ? 64 : (int)len, (const char *)s);
                return 0;
            }
    }
    msgpack_pack_str_with_body(&x->pk, s, len);
    if (x->nkeys == x->capkeys) {
        x->capkeys = x->capkeys ? 2 * x->capkeys : 64;
        x->keys = wt_realloc(x->keys, x->capkeys * sizeof *x->keys);
    }
    x->keys[x->nkeys++] = (s_kref_t){x->out->size - len, (uint32_t)len};
    return 1;
}

static int s_open(s_sax_t *x, bool map)
{
    s_elem(x);
    if (x->depth > WT_MAX_DEPTH) { /* s_scan refused it already */
        s_fail(x->e, WT_EDEPTH, s_where(x, NULL), "nested too deep");
        return 0;
    }
    x->fr[x->depth++] = (s_frame_t){x->out->size, 0, x->nkeys, map};
    wt_buf_append(x->out, "\0\0\0\0\0", 5);
    return 1;
}

static int s_start_map(void *ctx)
{
    return s_open(ctx, true);
}

static int s_start_array(void *ctx)
{
    return s_open(ctx, false);
}

typedef struct {
    const uint8_t *p;
    uint32_t n;
} s_kv_t;

static int s_kvcmp(const void *a, const void *b)
{
    const s_kv_t *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The keys of a map of more than S_KEYS_NEAR pairs, sorted. */
static int s_bigmap_keys(s_sax_t *x, const s_frame_t *f)
{
    size_t k = x->nkeys - f->keys;
    s_kv_t *v = wt_malloc(k * sizeof *v);
    for (size_t i = 0; i < k; i++)
        v[i] = (s_kv_t){x->out->data + x->keys[f->keys + i].off, x->keys[f->keys + i].len};
    qsort(v, k, sizeof *v, s_kvcmp);
    const s_kv_t *dup = NULL;
    for (size_t i = 1; i < k && !dup; i++)
        if (!s_kvcmp(&v[i - 1], &v[i])) dup = &v[i];
    if (dup)
        s_fail(x->e, WT_EDUPKEY, s_where(x, NULL),
               "duplicate key \"%.*s\" in the object that ends here: a key may occur once",
               dup->n > 64 ? 64 : (int)dup->n, (const char *)dup->p);
    free(v);
    return dup == NULL;
}

/* Close a container: its count goes into the shortest header (as
   msgpack_pack_map/array write it) and the body moves up to it. */
static int s_close(void *ctx)
{
    s_sax_t *x = ctx;
    s_frame_t *f = &x->fr[--x->depth];
    if (f->map && f->count > S_KEYS_NEAR && !s_bigmap_keys(x, f)) return 0;
    x->nkeys = f->keys;
    uint8_t h[5];
    size_t hn;
    uint32_t c = f->count;
    if (c < 16) {
        h[0] = (uint8_t)((f->map ? 0x80 : 0x90) | c);
        hn = 1;
    } else if (c <= 0xFFFF) {
        h[0] = f->map ? 0xde : 0xdc;
        h[1] = (uint8_t)(c >> 8), h[2] = (uint8_t)c;
        hn = 3;
    } else {
        h[0] = f->map ? 0xdf : 0xdd;
        h[1] = (uint8_t)(c >> 24), h[2] = (uint8_t)(c >> 16), h[3] = (uint8_t)(c >> 8);
        h[4] = (uint8_t)c;
        hn = 5;
    }
    uint8_t *d = x->out->data + f->hdr;
    size_t body = x->out->size - f->hdr - 5;
    if (hn < 5) memmove(d + hn, d + 5, body);
    memcpy(d, h, hn);
    x->out->size -= 5 - hn;
    if (x->depth == 0) x->end = yajl_get_bytes_consumed(x->h);
    return 1;
}

static const yajl_callbacks s_yajl_cb = {
    .yajl_null = s_null,
    .yajl_boolean = s_bool,
    .yajl_number = s_number,
    .yajl_string = s_string,
    .yajl_start_map = s_start_map,
    .yajl_map_key = s_key,
    .yajl_end_map = s_close,
    .yajl_start_array = s_start_array,
    .yajl_end_array = s_close,
};

static const char s_trailing[] = "more after the end of the JSON value: one item per line "
                                 "(JSON Lines), or one array of items in a .json file";

/* yajl's own errors (syntax, truncation, trailing bytes) in our terms. */
static void s_yajl_err(s_sax_t *x, bool at_end)
{
    unsigned char *m = yajl_get_error(x->h, 0, NULL, 0);
    const char *msg = (const char *)m, *colon = strstr(msg, ": ");
    if (colon) msg = colon + 2;
    size_t len = strcspn(msg, "\n");
    while (len && msg[len - 1] == '.')
        len--;
    size_t got = yajl_get_bytes_consumed(x->h), at = at_end ? x->n : got ? got - 1 : 0;
    if (!strncmp(msg, "premature EOF", 13))
        s_fail(x->e, WT_ETRUNCATED, x->n,
               "the input ends inside a value (a string, array or object is not closed): "
               "is the item cut short?");
    else if (!strncmp(msg, "trailing garbage", 16)) {
        if (x->end) /* the first byte after the value that is not blank */
            for (at = x->end; at < x->n && strchr(" \t\r\n", x->json[at]); at++) {
            }
        s_fail(x->e, WT_ETRAILING, at, "%s", s_trailing);
    } else if (!strncmp(msg, "invalid character inside string", 31))
        s_fail(x->e, WT_ESYNTAX, at,
               "a raw control character inside a string (not well-formed JSON): write it "
               "escaped, as \\n, \\t or \\u001f");
    else
        s_fail(x->e, WT_ESYNTAX, at, "%.*s (not well-formed JSON)", (int)len, msg);
    yajl_free_error(x->h, m);
}

/* Parse JSON text into MessagePack (appended to out). */
static int s_json_to_mp(const char *json, size_t n, wt_buf_t *out, char *errbuf, size_t errlen)
{
    s_jerr_t e = {0};
    if (s_scan(json, n, &e)) {
        s_report(&e, json, n, errbuf, errlen);
        return e.code;
    }
    /* an item's MessagePack is about as long as its JSON (the text
       dominates): one reservation instead of a doubling realloc per item */
    wt_buf_reserve(out, n + 64);
    s_sax_t x = {.out = out, .json = json, .n = n, .e = &e};
    msgpack_packer_init(&x.pk, out, s_write);
    x.h = yajl_alloc(&s_yajl_cb, NULL, &x);
    if (!x.h) abort(); /* out of memory, as wt_malloc */
    /* s_text checks UTF-8 fully (yajl's own check lets overlong forms,
       surrogates and code points above U+10FFFF through) */
    yajl_config(x.h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(x.h, (const unsigned char *)json, n);
    bool at_end = false;
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(x.h);
        at_end = true;
    }
    if (st == yajl_status_error) s_yajl_err(&x, at_end);
    yajl_free(x.h);
    free(x.keys);
    if (st == yajl_status_ok && x.depth == 0) {
        size_t i = x.end;
        while (i < n && strchr(" \t\r\n", json[i]))
            i++;
        if (i == n) return 0;
        s_fail(&e, WT_ETRAILING, i, "%s", s_trailing);
    }
    if (!e.code) s_fail(&e, WT_ESYNTAX, n, "the parser stopped here"); /* not reached */
    s_report(&e, json, n, errbuf, errlen);
    return e.code;
}

/* Upper bound on the JSON size of an item within the limits (every byte of
   the text escaped as \u00XX, meta, other fields). Longer input is refused
   before the parser spends time and memory on it. */
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

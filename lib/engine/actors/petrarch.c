/*  petrarch.c: reader for PETRARCH/TABARI actor, agent and discard files.

    One pass over the lines of a buffer. Comments are stripped first, then
    each line is classified by its first character and handed to the
    actors, agents or discards handler. Nothing in the content is fatal:
    defects become warnings in the report ("FILE:LINE: reason") and the
    entry is repaired or skipped (see include/wiretag/petrarch.h for the
    rules). A per-dictionary hash index maps every phrase to the first
    entry that owns it, so duplicates across records and files are found.
*/
#include "wiretag/petrarch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_MAX_MARKERS    4   /* substitution markers in one phrase */
#define S_MAX_EXPANSIONS 256 /* phrases one line may expand into */
#define S_MAX_SETS       1024
#define S_MAX_LINE       65536 /* longer lines are skipped (real ones are < 400 bytes) */

/* ---------------------------------------------------------------------------
   Phrase index: open addressing over (kind, phrase). */

typedef struct {
    uint64_t hash;
    const char *phrase; /* borrowed from the entry */
    int kind;
    int line;
    int file;   /* index into names */
    long entry; /* actors: index of the record owning the phrase */
} s_slot_t;

struct wt_petrarch_index {
    s_slot_t *slots;
    size_t cap, used;
    char **names; /* file names read into this dictionary */
    size_t nnames, cap_names;
};

static uint64_t s_hash(int kind, const char *p)
{
    return wt_hash64(p, strlen(p)) ^ ((uint64_t)kind * 0x9E3779B97F4A7C15ULL);
}

static s_slot_t *s_index_find(struct wt_petrarch_index *ix, int kind, const char *p, uint64_t h)
{
    if (!ix->cap) return NULL;
    for (size_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        s_slot_t *s = &ix->slots[i];
        if (!s->phrase) return s;
        if (s->hash == h && s->kind == kind && !strcmp(s->phrase, p)) return s;
    }
}

static void s_index_grow(struct wt_petrarch_index *ix)
{
    size_t ncap = ix->cap ? ix->cap * 2 : 1024;
    s_slot_t *old = ix->slots;
    size_t ocap = ix->cap;
    ix->slots = wt_calloc(ncap, sizeof *ix->slots);
    ix->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].phrase) continue;
        s_slot_t *s = s_index_find(ix, old[i].kind, old[i].phrase, old[i].hash);
        *s = old[i];
    }
    free(old);
}

/* The slot of (kind, p): *fresh tells whether it was just inserted (then
   it borrows p). The pointer is valid until the next insertion. */
static s_slot_t *s_index_add(struct wt_petrarch_index *ix, int kind, const char *p, int line,
                             int file, bool *fresh)
{
    if ((ix->used + 1) * 2 > ix->cap) s_index_grow(ix);
    uint64_t h = s_hash(kind, p);
    s_slot_t *s = s_index_find(ix, kind, p, h);
    *fresh = !s->phrase;
    if (!*fresh) return s;
    s->hash = h;
    s->phrase = p;
    s->kind = kind;
    s->line = line;
    s->file = file;
    s->entry = -1;
    ix->used++;
    return s;
}

/* ---------------------------------------------------------------------------
   Dictionary lifecycle */

wt_petrarch_dict_t *wt_petrarch_dict_new(void)
{
    wt_petrarch_dict_t *d = wt_calloc(1, sizeof *d);
    d->index = wt_calloc(1, sizeof *d->index);
    return d;
}

static void s_strv_free(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Room for element n of an array grown by doubling (4, 8, 16, ...): the
   capacity follows from the count, so no capacity field is needed. */
static void *s_push(void *arr, int n, size_t esz)
{
    if (n == 0) return wt_realloc(arr, 4 * esz);
    if (n >= 4 && (n & (n - 1)) == 0) return wt_realloc(arr, (size_t)n * 2 * esz);
    return arr;
}

void wt_petrarch_dict_destroy(wt_petrarch_dict_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_petrarch_dict_t *d = *self_p;
    for (size_t i = 0; i < d->nactors; i++) {
        wt_petrarch_actor_t *a = &d->actors[i];
        free(a->phrase);
        s_strv_free(a->synonyms, a->nsynonyms);
        for (int j = 0; j < a->ncodes; j++)
            free(a->codes[j].code);
        free(a->codes);
    }
    free(d->actors);
    for (size_t i = 0; i < d->nagents; i++) {
        free(d->agents[i].phrase);
        free(d->agents[i].code);
        s_strv_free(d->agents[i].plurals, d->agents[i].nplurals);
    }
    free(d->agents);
    for (size_t i = 0; i < d->ndiscards; i++)
        free(d->discards[i].phrase);
    free(d->discards);
    if (d->index) {
        free(d->index->slots);
        s_strv_free(d->index->names, (int)d->index->nnames);
        free(d->index);
    }
    free(d);
    *self_p = NULL;
}

void wt_petrarch_report_free(wt_petrarch_report_t *rep)
{
    if (!rep) return;
    s_strv_free(rep->warnings, rep->nkept);
    memset(rep, 0, sizeof *rep);
}

/* ---------------------------------------------------------------------------
   Parse state */

enum { K_ACTOR = 1, K_AGENT, K_DISCARD };

typedef struct {
    char *name;
    char **items;
    int n;
} s_set_t;

typedef struct {
    wt_petrarch_dict_t *d;
    wt_petrarch_report_t *rep;
    const char *name;
    int file; /* index of name in d->index->names */
    int line;
    /* substitution sets */
    s_set_t *sets;
    size_t nsets, cap_sets;
    /* actors: the open record (index into d->actors), -1 when none */
    long cur;           /* -1 none, -2 primary unusable: next synonym opens a record */
    int cur_codes_seen; /* code groups seen for the open record */
    bool dup_mode;      /* the open record is an earlier one met again: codes ignored */
    bool dup_warned;
} s_parse_t;

static void s_warn(s_parse_t *P, const char *fmt, ...)
{
    wt_petrarch_report_t *r = P->rep;
    if (!r) return;
    r->nwarnings++;
    if (r->nkept >= WT_PETRARCH_MAX_WARNINGS) return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n = strlen(P->name) + strlen(msg) + 32;
    char *w = wt_malloc(n);
    snprintf(w, n, "%s:%d: %s", P->name, P->line, msg);
    r->warnings = s_push(r->warnings, r->nkept, sizeof *r->warnings);
    r->warnings[r->nkept++] = w;
}

/* A phrase of kind `what` met again (first is where it was first met):
   counted, and reported when warn. */
static void s_dup(s_parse_t *P, const char *what, const char *p, const s_slot_t *first, bool warn)
{
    if (warn)
        s_warn(P, "duplicate %s '%s' (first at %s:%d); skipped", what, p,
               P->d->index->names[first->file], first->line);
    if (P->rep) P->rep->duplicates++;
}

/* Printable excerpt of raw input for warnings (max 60 bytes, no controls). */
static const char *s_excerpt(const char *s, size_t n, char *buf, size_t bn)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < bn && o < 60; i++)
        buf[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    buf[o] = 0;
    return buf;
}

static bool s_has_fffd(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
            (unsigned char)s[i + 2] == 0xBD)
            return true;
    return false;
}

/* Next code point of valid UTF-8 at *p (advanced). */
static uint32_t s_cp(const unsigned char **p)
{
    const unsigned char *q = *p;
    uint32_t c = q[0];
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len == 2) c &= 0x1F;
    if (len == 3) c &= 0x0F;
    if (len == 4) c &= 0x07;
    for (int i = 1; i < len; i++)
        c = (c << 6) | (q[i] & 0x3F);
    *p = q + len;
    return c;
}

/* UTF-8 read as Windows-1252 and encoded again ("PÃšBLICA" for "PÚBLICA",
   "â€œ" for a curly quote): a lead Â Ã Å â followed by a continuation-range
   character or one of the code points cp1252 puts at 0x80-0x9F. */
static bool s_double_encoded(const char *s, size_t n)
{
    static const uint32_t cp1252[] = {0x152,  0x153,  0x160,  0x161,  0x178,  0x17D,  0x17E,
                                      0x192,  0x2C6,  0x2DC,  0x2013, 0x2014, 0x2018, 0x2019,
                                      0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022,
                                      0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122};
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    uint32_t prev = 0;
    while (p < end) {
        uint32_t c = s_cp(&p);
        if (prev == 0xC2 || prev == 0xC3 || prev == 0xC5 || prev == 0xE2) {
            bool hit = c >= 0x80 && c <= 0xBF;
            for (size_t i = 0; !hit && i < sizeof cp1252 / sizeof cp1252[0]; i++)
                hit = c == cp1252[i];
            if (hit) return true;
        }
        prev = c;
    }
    return false;
}

/* Normalise a raw phrase: "_" and blanks -> one space, trimmed, ASCII upper
   case; stray brackets removed (warning). NULL (with a warning) when the
   phrase is empty, not UTF-8 or holds U+FFFD. */
static char *s_phrase(s_parse_t *P, const char *s, size_t n, const char *what)
{
    char ex[64];
    if (!wt_utf8_valid(s, n)) {
        s_warn(P, "%s '%s': invalid UTF-8; skipped", what, s_excerpt(s, n, ex, sizeof ex));
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
            s_warn(P, "%s '%s': control character (mojibake); skipped", what,
                   s_excerpt(s, n, ex, sizeof ex));
            return NULL;
        }
    }
    if (s_double_encoded(s, n)) {
        s_warn(P, "%s '%s': double-encoded UTF-8 (mojibake); skipped", what,
               s_excerpt(s, n, ex, sizeof ex));
        return NULL;
    }
    if (s_has_fffd(s, n)) {
        s_warn(P, "%s '%s': U+FFFD replacement character (mojibake); skipped", what,
               s_excerpt(s, n, ex, sizeof ex));
        return NULL;
    }
    char *out = wt_malloc(n + 1);
    size_t o = 0;
    bool space = false, stray = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_' || c == ' ' || c == '\t') {
            space = o > 0;
            continue;
        }
        if (c == '[' || c == ']' || c == '{' || c == '}') {
            stray = true;
            continue;
        }
        if (space) out[o++] = ' ';
        space = false;
        out[o++] = (char)toupper(c);
    }
    out[o] = 0;
    if (stray) s_warn(P, "%s '%s': stray bracket removed", what, s_excerpt(s, n, ex, sizeof ex));
    if (!o) {
        s_warn(P, "%s is empty; skipped", what);
        free(out);
        return NULL;
    }
    return out;
}

static void s_trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* ---------------------------------------------------------------------------
   Dates and codes */

static int s_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* YYYYMMDD or YYMMDD (YY 00-30 -> 20YY, else 19YY) -> YYYYMMDD; -1 if bad. */
static int32_t s_date8(const char *s, size_t n)
{
    if (n != 6 && n != 8) return -1;
    int32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    int y = v / 10000, m = v / 100 % 100, d = v % 100;
    if (n == 6) y += y <= 30 ? 2000 : 1900;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > s_days(y, m)) return -1;
    return y * 10000 + m * 100 + d;
}

/* s_date8(), and like PETRARCH only the first 8 digits of a longer run
   (with a warning). */
static int32_t s_date(s_parse_t *P, const char *s, size_t n)
{
    if (n > 8) {
        bool digits = true;
        for (size_t i = 0; i < n; i++)
            digits = digits && isdigit((unsigned char)s[i]);
        int32_t d = digits ? s_date8(s, 8) : -1;
        if (d > 0) {
            char ex[64];
            s_warn(P, "date '%s' has %zu digits; read as %d", s_excerpt(s, n, ex, sizeof ex), n,
                   (int)d);
            return d;
        }
    }
    return s_date8(s, n);
}

static bool s_code_ok(const char *s, size_t n)
{
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-') return false;
    return true;
}

static void s_add_code(s_parse_t *P, wt_petrarch_actor_t *a, const char *code, size_t n,
                       int32_t from, int32_t to)
{
    a->codes = s_push(a->codes, a->ncodes, sizeof *a->codes);
    wt_petrarch_code_t *c = &a->codes[a->ncodes++];
    c->code = wt_strndup(code, n);
    for (size_t i = 0; i < n; i++)
        c->code[i] = (char)toupper((unsigned char)c->code[i]);
    c->from = from;
    c->to = to;
    if (P->rep) P->rep->codes++;
}

/* One "[CODE restriction]" body (without brackets) for actor a. */
static void s_code(s_parse_t *P, wt_petrarch_actor_t *a, const char *s, size_t n)
{
    char ex[64];
    s_trim(&s, &n);
    size_t cn = 0;
    while (cn < n && !isspace((unsigned char)s[cn]))
        cn++;
    const char *r = s + cn;
    size_t rn = n - cn;
    s_trim(&r, &rn);
    if (!s_code_ok(s, cn)) {
        s_warn(P, "code '[%s]' is not a CAMEO code; skipped", s_excerpt(s, n, ex, sizeof ex));
        return;
    }
    if (!rn) {
        s_add_code(P, a, s, cn, 0, 0);
        return;
    }
    if (r[0] == '<' || r[0] == '>') {
        const char *ds = r + 1;
        size_t dn = rn - 1;
        s_trim(&ds, &dn);
        int32_t d = s_date(P, ds, dn);
        if (d < 0) {
            char ex2[64];
            s_warn(P,
                   "date '%s' in '[%s]' cannot be read (expected YYYYMMDD or YYMMDD); "
                   "code skipped",
                   s_excerpt(ds, dn, ex, sizeof ex), s_excerpt(s, n, ex2, sizeof ex2));
            return;
        }
        if (r[0] == '<')
            s_add_code(P, a, s, cn, 0, d);
        else
            s_add_code(P, a, s, cn, d, 0);
        return;
    }
    const char *dash = memchr(r, '-', rn);
    if (!dash && isdigit((unsigned char)r[0])) {
        int32_t d = s_date(P, r, rn);
        if (d > 0) {
            s_warn(P, "bare date '%s' without <, > or -; read as >%d",
                   s_excerpt(r, rn, ex, sizeof ex), (int)d);
            s_add_code(P, a, s, cn, d, 0);
            return;
        }
    }
    if (!dash) {
        s_warn(P,
               "restriction '%s' cannot be read (expected <DATE, >DATE or DATE-DATE); "
               "code skipped",
               s_excerpt(r, rn, ex, sizeof ex));
        return;
    }
    const char *d1 = r, *d2 = dash + 1;
    size_t n1 = (size_t)(dash - r), n2 = rn - n1 - 1;
    s_trim(&d1, &n1);
    s_trim(&d2, &n2);
    int32_t from = s_date(P, d1, n1), to = s_date(P, d2, n2);
    if (from < 0 && to < 0) {
        s_warn(P, "dates '%s' cannot be read (expected YYYYMMDD or YYMMDD); code skipped",
               s_excerpt(r, rn, ex, sizeof ex));
        return;
    }
    if (from < 0 || to < 0) {
        const char *bad = from < 0 ? d1 : d2;
        size_t bn = from < 0 ? n1 : n2;
        s_warn(P,
               "date '%s' cannot be read (%zu digits; expected YYYYMMDD or YYMMDD); "
               "that end of the range left open",
               s_excerpt(bad, bn, ex, sizeof ex), bn);
        if (from < 0) from = 0;
        if (to < 0) to = 0;
    }
    if (from && to && to < from) {
        s_warn(P, "range '%s' ends before it starts; code skipped",
               s_excerpt(r, rn, ex, sizeof ex));
        return;
    }
    s_add_code(P, a, s, cn, from, to);
}

/* All "[...]" groups in s for actor a (a may be NULL: warn and drop). */
static void s_codes(s_parse_t *P, wt_petrarch_actor_t *a, const char *s, size_t n)
{
    char ex[64];
    while (n) {
        const char *open = memchr(s, '[', n);
        if (!open) {
            const char *t = s;
            size_t tn = n;
            s_trim(&t, &tn);
            if (tn) s_warn(P, "text '%s' after the codes ignored", s_excerpt(t, tn, ex, sizeof ex));
            return;
        }
        size_t left = n - (size_t)(open - s) - 1;
        const char *close = memchr(open + 1, ']', left);
        size_t bn = close ? (size_t)(close - open - 1) : left;
        if (!close) {
            const char *brace = memchr(open + 1, '}', left);
            if (brace) bn = (size_t)(brace - open - 1);
            s_warn(P, "'[' without ']'; read to %s", brace ? "'}'" : "the end of the line");
        }
        if (a)
            s_code(P, a, open + 1, bn);
        else
            s_warn(P, "code line outside an entry; skipped");
        size_t used = (size_t)(open - s) + 1 + bn + (close || bn < left ? 1 : 0);
        if (used > n) used = n;
        s += used;
        n -= used;
    }
}

/* ---------------------------------------------------------------------------
   Substitution sets "!NAME! = A, B, C" */

static s_set_t *s_set_find(s_parse_t *P, const char *name, size_t n)
{
    for (size_t i = 0; i < P->nsets; i++)
        if (strlen(P->sets[i].name) == n && !strncmp(P->sets[i].name, name, n)) return &P->sets[i];
    return NULL;
}

static bool s_set_define(s_parse_t *P, const char *s, size_t n)
{
    /* s starts with '!' */
    const char *end = memchr(s + 1, '!', n - 1);
    if (!end) return false;
    const char *eq = end + 1;
    size_t rest = n - (size_t)(eq - s);
    while (rest && isspace((unsigned char)*eq))
        eq++, rest--;
    if (!rest || *eq != '=') return false;
    const char *name = s + 1;
    size_t nn = (size_t)(end - name);
    if (!nn) return false;
    s_set_t *set = s_set_find(P, name, nn);
    if (set) {
        s_warn(P, "substitution set !%.*s! defined again; the new list replaces the old", (int)nn,
               name);
        s_strv_free(set->items, set->n);
        set->items = NULL;
        set->n = 0;
    } else {
        if (P->nsets >= S_MAX_SETS) {
            s_warn(P, "more than %d substitution sets; skipped", S_MAX_SETS);
            return true;
        }
        wt_grow(&P->sets, &P->cap_sets, P->nsets + 1, sizeof *P->sets);
        set = &P->sets[P->nsets++];
        set->name = wt_strndup(name, nn);
        set->items = NULL;
        set->n = 0;
        if (P->rep) P->rep->sets++;
    }
    const char *p = eq + 1, *lim = s + n;
    while (p < lim) {
        const char *comma = memchr(p, ',', (size_t)(lim - p));
        const char *e = comma ? comma : lim;
        const char *t = p;
        size_t tn = (size_t)(e - p);
        s_trim(&t, &tn);
        if (tn) {
            set->items = s_push(set->items, set->n, sizeof *set->items);
            set->items[set->n++] = wt_strndup(t, tn);
        }
        p = e + 1;
    }
    if (!set->n) s_warn(P, "substitution set !%s! is empty", set->name);
    return true;
}

/* Expand every !NAME! in raw text into *out (cross product). Returns the
   count, -1 (warned) when a marker is unknown or there are too many. */
static int s_expand_at(s_parse_t *P, const char *s, size_t n, char ***out, int depth)
{
    const char *a = memchr(s, '!', n);
    const char *b = a ? memchr(a + 1, '!', n - (size_t)(a - s) - 1) : NULL;
    s_set_t *set = b ? s_set_find(P, a + 1, (size_t)(b - a - 1)) : NULL;
    if (!set) {
        if (b && P->nsets) {
            char ex[64];
            s_warn(P, "unknown substitution set '%s'; line skipped",
                   s_excerpt(a, (size_t)(b - a + 1), ex, sizeof ex));
            return -1;
        }
        /* no marker (a lone '!' is part of a name: YAHOO!) */
        *out = wt_malloc(sizeof **out);
        (*out)[0] = wt_strndup(s, n);
        return 1;
    }
    if (depth >= S_MAX_MARKERS) {
        s_warn(P, "more than %d substitution markers in one phrase; line skipped", S_MAX_MARKERS);
        return -1;
    }
    char **tails = NULL;
    const char *rest = b + 1;
    int nt = s_expand_at(P, rest, n - (size_t)(rest - s), &tails, depth + 1);
    if (nt < 0) return -1;
    size_t head = (size_t)(a - s);
    int cnt = 0;
    *out = NULL;
    for (int i = 0; i < set->n; i++) {
        for (int j = 0; j < nt && cnt < S_MAX_EXPANSIONS; j++) {
            size_t len = head + strlen(set->items[i]) + strlen(tails[j]) + 1;
            char *x = wt_malloc(len);
            snprintf(x, len, "%.*s%s%s", (int)head, s, set->items[i], tails[j]);
            *out = s_push(*out, cnt, sizeof **out);
            (*out)[cnt++] = x;
        }
    }
    s_strv_free(tails, nt);
    if (depth == 0 && cnt == S_MAX_EXPANSIONS)
        s_warn(P, "substitution gives more than %d phrases; the rest dropped", S_MAX_EXPANSIONS);
    return cnt;
}

static int s_expand(s_parse_t *P, const char *s, size_t n, char ***out)
{
    return s_expand_at(P, s, n, out, 0);
}

/* ---------------------------------------------------------------------------
   Actors */

static wt_petrarch_actor_t *s_cur(s_parse_t *P)
{
    return P->cur >= 0 ? &P->d->actors[P->cur] : NULL;
}

static void s_record_close(s_parse_t *P)
{
    wt_petrarch_actor_t *a = s_cur(P);
    if (a && a->ncodes == 0 && !P->dup_mode) {
        int save = P->line;
        P->line = a->line;
        s_warn(P, "actor '%s' has no code", a->phrase);
        P->line = save;
    }
    P->cur = -1;
    P->dup_mode = false;
}

/* Add phrase p (owned) to the open record, or open a new record. */
static void s_actor_phrase(s_parse_t *P, char *p, bool primary)
{
    struct wt_petrarch_index *ix = P->d->index;
    if (!primary && P->cur == -1) {
        s_warn(P, "synonym '%s' outside an entry; taken as a primary phrase", p);
        primary = true;
    }
    if (!primary && P->cur == -2) primary = true; /* the primary was unusable */
    bool fresh;
    s_slot_t *slot = s_index_add(ix, K_ACTOR, p, P->line, P->file, &fresh);
    if (!fresh) {
        bool same = P->cur >= 0 && slot->entry == P->cur;
        s_dup(P, "actor phrase", p, slot, !same);
        free(p);
        if (primary && !same) {
            /* An entry met again: later synonyms join the first record, its
               code lines are ignored. */
            s_record_close(P);
            P->cur = slot->entry;
            P->dup_mode = true;
            P->dup_warned = false;
        }
        return;
    }
    wt_petrarch_actor_t *a = s_cur(P);
    if (primary && !(a && !P->dup_mode && a->ncodes == 0 && P->cur_codes_seen == 0)) {
        s_record_close(P);
        wt_petrarch_dict_t *d = P->d;
        wt_grow(&d->actors, &d->cap_actors, d->nactors + 1, sizeof *d->actors);
        a = &d->actors[d->nactors];
        memset(a, 0, sizeof *a);
        a->phrase = p;
        a->line = P->line;
        slot->entry = (long)d->nactors;
        P->cur = (long)d->nactors++;
        P->cur_codes_seen = 0;
        if (P->rep) P->rep->actors++;
        return;
    }
    /* a synonym, or a code-less primary that shares the codes to come */
    slot->entry = P->cur;
    a->synonyms = s_push(a->synonyms, a->nsynonyms, sizeof *a->synonyms);
    a->synonyms[a->nsynonyms++] = p;
    if (P->rep) P->rep->synonyms++;
}

/* Code groups for the open record, unless it is dropped or repeated. */
static void s_actor_codes(s_parse_t *P, const char *s, size_t n)
{
    if (P->cur == -2) return; /* the record's phrase was unusable */
    if (P->dup_mode) {
        /* Silent when the repeated entry repeats the same codes. */
        wt_petrarch_actor_t tmp = {0};
        s_codes(P, &tmp, s, n);
        if (P->rep) P->rep->codes -= tmp.ncodes;
        const wt_petrarch_actor_t *a = s_cur(P);
        bool same = true;
        for (int i = 0; i < tmp.ncodes; i++) {
            bool found = false;
            for (int j = 0; a && j < a->ncodes && !found; j++)
                found = !strcmp(a->codes[j].code, tmp.codes[i].code) &&
                        a->codes[j].from == tmp.codes[i].from && a->codes[j].to == tmp.codes[i].to;
            same = same && found;
            free(tmp.codes[i].code);
        }
        free(tmp.codes);
        if (!same && !P->dup_warned)
            s_warn(P, "different codes of a repeated entry ignored (the first entry's apply)");
        if (!same) P->dup_warned = true;
        return;
    }
    s_codes(P, s_cur(P), s, n);
    P->cur_codes_seen++;
}

static void s_actor_line(s_parse_t *P, const char *s, size_t n, bool indented)
{
    char ex[64];
    if (s[0] == '[') {
        if (!indented && P->cur >= 0) s_warn(P, "code line not indented; taken as a code line");
        s_actor_codes(P, s, n);
        return;
    }
    if (s[0] == '!' && memchr(s, '=', n) && s_set_define(P, s, n)) return;
    bool syn = s[0] == '+';
    if (syn) s++, n--;
    if (indented && !syn)
        s_warn(P, "indented phrase '%s' taken as a primary phrase", s_excerpt(s, n, ex, 40));
    const char *br = memchr(s, '[', n);
    size_t pn = br ? (size_t)(br - s) : n;
    const char *ph = s;
    s_trim(&ph, &pn);
    /* '+' inside a phrase: synonyms glued together on one line */
    char **parts = NULL;
    int np = 0;
    const char *plus = memchr(ph, '+', pn);
    if (plus) s_warn(P, "'+' inside '%s': split into synonyms", s_excerpt(ph, pn, ex, sizeof ex));
    for (const char *p = ph, *lim = ph + pn; p <= lim;) {
        const char *e = memchr(p, '+', (size_t)(lim - p));
        if (!e) e = lim;
        char **exp = NULL;
        int ne = s_expand(P, p, (size_t)(e - p), &exp);
        for (int i = 0; i < ne; i++) {
            char *norm = s_phrase(P, exp[i], strlen(exp[i]), syn ? "synonym" : "phrase");
            if (norm) {
                parts = s_push(parts, np, sizeof *parts);
                parts[np++] = norm;
            }
        }
        if (ne > 0) s_strv_free(exp, ne);
        p = e + 1;
    }
    bool primary = !syn;
    for (int i = 0; i < np; i++) {
        s_actor_phrase(P, parts[i], primary && i == 0);
    }
    free(parts);
    if (!syn && np == 0) {
        /* the primary phrase was unusable: its record is dropped */
        s_record_close(P);
        P->cur = -2;
        return;
    }
    if (br) s_actor_codes(P, br, n - (size_t)(br - s));
}

/* ---------------------------------------------------------------------------
   Agents */

static char *s_plural(const char *p)
{
    size_t n = strlen(p);
    char *r = wt_malloc(n + 3);
    memcpy(r, p, n + 1);
    char last = n ? p[n - 1] : 0, prev = n > 1 ? p[n - 2] : 0;
    if (last == 'Y' && prev && !strchr("AEIOU", prev)) {
        strcpy(r + n - 1, "IES");
    } else if (last == 'S' || last == 'X' || last == 'Z' ||
               (last == 'H' && (prev == 'C' || prev == 'S'))) {
        strcpy(r + n, "ES");
    } else {
        strcpy(r + n, "S");
    }
    return r;
}

static void s_agent_add(s_parse_t *P, char *phrase, const char *code, size_t cn, bool prefix,
                        char **plurals, int npl)
{
    struct wt_petrarch_index *ix = P->d->index;
    bool fresh;
    const s_slot_t *dup = s_index_add(ix, K_AGENT, phrase, P->line, P->file, &fresh);
    if (!fresh) {
        s_dup(P, "agent", phrase, dup, true);
        free(phrase);
        s_strv_free(plurals, npl);
        return;
    }
    wt_petrarch_dict_t *d = P->d;
    wt_grow(&d->agents, &d->cap_agents, d->nagents + 1, sizeof *d->agents);
    wt_petrarch_agent_t *a = &d->agents[d->nagents++];
    a->phrase = phrase;
    a->code = wt_strndup(code, cn);
    for (size_t i = 0; i < cn; i++)
        a->code[i] = (char)toupper((unsigned char)a->code[i]);
    a->prefix = prefix;
    a->plurals = plurals;
    a->nplurals = npl;
    a->line = P->line;
    if (P->rep) P->rep->agents++;
}

static void s_agent_line(s_parse_t *P, const char *s, size_t n)
{
    char ex[64];
    if (s[0] == '!' && memchr(s, '=', n)) {
        if (!s_set_define(P, s, n))
            s_warn(P, "substitution set '%s' malformed (expected !NAME! = A, B); skipped",
                   s_excerpt(s, n, ex, sizeof ex));
        return;
    }
    const char *br = memchr(s, '[', n);
    if (!br) {
        s_warn(P, "agent '%s' has no [code]; skipped", s_excerpt(s, n, ex, sizeof ex));
        return;
    }
    /* code */
    size_t left = n - (size_t)(br - s) - 1;
    const char *close = memchr(br + 1, ']', left);
    if (!close) {
        close = memchr(br + 1, '}', left);
        s_warn(P, "'[' without ']' in agent code");
        if (!close) close = br + 1 + left;
    }
    const char *c = br + 1;
    size_t cn = (size_t)(close - c);
    s_trim(&c, &cn);
    bool prefix = false;
    if (cn && c[0] == '~') {
        c++, cn--;
    } else if (cn && c[cn - 1] == '~') {
        cn--, prefix = true;
    } else {
        s_warn(P, "agent code '%s' without '~'; appended to the actor code",
               s_excerpt(c, cn, ex, sizeof ex));
    }
    if (!s_code_ok(c, cn)) {
        s_warn(P, "agent code '%s' is not a CAMEO code; skipped", s_excerpt(c, cn, ex, sizeof ex));
        return;
    }
    /* phrase and {plurals} */
    size_t pn = (size_t)(br - s);
    const char *ob = memchr(s, '{', pn);
    const char *cb = ob ? memchr(ob, '}', pn - (size_t)(ob - s)) : NULL;
    if (ob && !cb) {
        s_warn(P, "'{' without '}' in '%s'; skipped", s_excerpt(s, pn, ex, sizeof ex));
        return;
    }
    if (!ob && memchr(s, '}', pn)) {
        s_warn(P, "'}' without '{' in '%s'; skipped", s_excerpt(s, pn, ex, sizeof ex));
        return;
    }
    const char *ph = s;
    size_t phn = ob ? (size_t)(ob - s) : pn;
    s_trim(&ph, &phn);
    char **exp = NULL;
    int ne = s_expand(P, ph, phn, &exp);
    if (ne <= 0) return;
    bool marker = ne > 1 || strlen(exp[0]) != phn || memcmp(exp[0], ph, phn) != 0;
    for (int i = 0; i < ne; i++) {
        char *norm = s_phrase(P, exp[i], strlen(exp[i]), "agent");
        if (!norm) continue;
        char **pl = NULL;
        int npl = 0;
        if (cb) {
            const char *q = ob + 1;
            while (q < cb) {
                while (q < cb && isspace((unsigned char)*q))
                    q++;
                const char *e = q;
                while (e < cb && !isspace((unsigned char)*e))
                    e++;
                if (e > q) {
                    char *pp = s_phrase(P, q, (size_t)(e - q), "plural");
                    if (pp) {
                        pl = s_push(pl, npl, sizeof *pl);
                        pl[npl++] = pp;
                    }
                }
                q = e;
            }
        } else if (!marker) {
            pl = wt_malloc(sizeof *pl);
            pl[npl++] = s_plural(norm);
        }
        s_agent_add(P, norm, c, cn, prefix, pl, npl);
    }
    s_strv_free(exp, ne);
    const char *after = close + 1;
    size_t an = n - (size_t)(after - s);
    if (after > s + n) an = 0;
    s_trim(&after, &an);
    if (an) s_warn(P, "text '%s' after the code ignored", s_excerpt(after, an, ex, sizeof ex));
}

/* ---------------------------------------------------------------------------
   Discards */

static void s_discard_line(s_parse_t *P, const char *s, size_t n)
{
    bool story = s[0] == '+';
    if (story) s++, n--;
    s_trim(&s, &n);
    bool stem = !(n && s[n - 1] == '_');
    char *p = s_phrase(P, s, n, "discard");
    if (!p) return;
    struct wt_petrarch_index *ix = P->d->index;
    bool fresh;
    const s_slot_t *dup = s_index_add(ix, K_DISCARD, p, P->line, P->file, &fresh);
    if (!fresh) {
        s_dup(P, "discard", p, dup, true);
        free(p);
        return;
    }
    wt_petrarch_dict_t *d = P->d;
    wt_grow(&d->discards, &d->cap_discards, d->ndiscards + 1, sizeof *d->discards);
    wt_petrarch_discard_t *x = &d->discards[d->ndiscards++];
    x->phrase = p;
    x->story = story;
    x->stem = stem;
    x->line = P->line;
    if (P->rep) P->rep->discards++;
}

/* ---------------------------------------------------------------------------
   Driver */

static wt_petrarch_kind_t s_kind_of(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (strcasestr(base, "agent")) return WT_PETRARCH_AGENTS;
    if (strcasestr(base, "discard")) return WT_PETRARCH_DISCARDS;
    if (strcasestr(base, "issue")) return (wt_petrarch_kind_t)-1;
    return WT_PETRARCH_ACTORS;
}

int wt_petrarch_parse(wt_petrarch_dict_t *dict, const char *name, const char *buf, size_t len,
                      wt_petrarch_kind_t kind, wt_petrarch_report_t *rep)
{
    if (!name) name = "(buffer)";
    if (kind == WT_PETRARCH_AUTO) kind = s_kind_of(name);
    if (kind != WT_PETRARCH_ACTORS && kind != WT_PETRARCH_AGENTS && kind != WT_PETRARCH_DISCARDS)
        return -EINVAL;
    if (len > WT_PETRARCH_MAX_BYTES) return WT_ETOOBIG;
    if (rep) memset(rep, 0, sizeof *rep);

    struct wt_petrarch_index *ix = dict->index;
    wt_grow(&ix->names, &ix->cap_names, ix->nnames + 1, sizeof *ix->names);
    ix->names[ix->nnames] = wt_strdup(name);
    s_parse_t P = {.d = dict, .rep = rep, .name = ix->names[ix->nnames], .cur = -1};
    P.file = (int)ix->nnames++;

    bool in_comment = false;
    char *line = NULL;
    size_t cap = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        const char *raw = buf + pos;
        pos += n + 1;
        P.line++;
        if (rep) rep->lines++;
        if (n && raw[n - 1] == '\r') n--;
        if (n > S_MAX_LINE) {
            s_warn(&P, "line of %zu bytes (more than %d); skipped", n, S_MAX_LINE);
            continue;
        }
        if (memchr(raw, 0, n)) {
            s_warn(&P, "NUL byte in line; skipped");
            continue;
        }
        /* own copy: comments are cut in place */
        wt_grow(&line, &cap, n + 1, 1);
        memcpy(line, raw, n);
        line[n] = 0;
        char *s = line;
        if (in_comment) {
            char *e = strstr(s, "-->");
            if (!e) continue;
            in_comment = false;
            s = e + 3;
            n = strlen(s);
        }
        char *open = strstr(s, "<!--");
        if (open) {
            char *e = strstr(open + 4, "-->");
            if (e)
                memmove(open, e + 3, strlen(e + 3) + 1);
            else {
                *open = 0;
                in_comment = true;
            }
        }
        char *hash = strchr(s, '#');
        if (hash) *hash = 0;
        char *semi = strchr(s, ';');
        if (semi) *semi = 0;
        n = strlen(s);
        bool indented = n && (s[0] == ' ' || s[0] == '\t');
        bool space_indent = n && s[0] == ' ';
        const char *t = s;
        s_trim(&t, &n);
        if (!n) continue;
        if (strstr(t, "---STOP---")) break;
        if (kind == WT_PETRARCH_ACTORS) {
            if (space_indent && t[0] == '[')
                s_warn(&P, "code line indented with spaces, not a tab");
            s_actor_line(&P, t, n, indented);
        } else if (kind == WT_PETRARCH_AGENTS) {
            s_agent_line(&P, t, n);
        } else {
            s_discard_line(&P, t, n);
        }
    }
    if (in_comment) s_warn(&P, "'<!--' comment not closed at the end of the file");
    if (kind == WT_PETRARCH_ACTORS) s_record_close(&P);
    free(line);
    for (size_t i = 0; i < P.nsets; i++) {
        free(P.sets[i].name);
        s_strv_free(P.sets[i].items, P.sets[i].n);
    }
    free(P.sets);
    return 0;
}

int wt_petrarch_read(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_kind_t kind,
                     wt_petrarch_report_t *rep)
{
    if (rep) memset(rep, 0, sizeof *rep);
    if (kind == WT_PETRARCH_AUTO) kind = s_kind_of(path);
    if (kind != WT_PETRARCH_ACTORS && kind != WT_PETRARCH_AGENTS && kind != WT_PETRARCH_DISCARDS)
        return -EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return -EISDIR;
    }
    if (S_ISREG(st.st_mode) && st.st_size > WT_PETRARCH_MAX_BYTES) {
        close(fd);
        return WT_ETOOBIG;
    }
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, len = 0;
    char *buf = wt_malloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap > WT_PETRARCH_MAX_BYTES) {
                free(buf);
                close(fd);
                return WT_ETOOBIG;
            }
            cap *= 2;
            buf = wt_realloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return -e;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    int rc = len > WT_PETRARCH_MAX_BYTES ? WT_ETOOBIG
                                         : wt_petrarch_parse(dict, path, buf, len, kind, rep);
    free(buf);
    return rc;
}

int wt_petrarch_read_actors(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_report_t *rep)
{
    return wt_petrarch_read(dict, path, WT_PETRARCH_ACTORS, rep);
}

int wt_petrarch_read_agents(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_report_t *rep)
{
    return wt_petrarch_read(dict, path, WT_PETRARCH_AGENTS, rep);
}

int wt_petrarch_read_discards(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_report_t *rep)
{
    return wt_petrarch_read(dict, path, WT_PETRARCH_DISCARDS, rep);
}

const char *wt_petrarch_actor_code(const wt_petrarch_actor_t *a, int32_t date)
{
    const char *def = NULL;
    for (int i = 0; i < a->ncodes; i++)
        if (!a->codes[i].from && !a->codes[i].to) def = a->codes[i].code;
    if (date) {
        for (int i = 0; i < a->ncodes; i++) {
            const wt_petrarch_code_t *c = &a->codes[i];
            if (!c->from && !c->to) continue;
            if ((!c->from || date >= c->from) && (!c->to || date <= c->to)) return c->code;
        }
        return def;
    }
    const wt_petrarch_code_t *open = NULL, *last = NULL;
    for (int i = 0; i < a->ncodes; i++) {
        const wt_petrarch_code_t *c = &a->codes[i];
        if (c->from && !c->to && (!open || c->from > open->from)) open = c;
        if (c->to && (!last || c->to > last->to)) last = c;
    }
    if (open) return open->code;
    if (def) return def;
    return last ? last->code : NULL;
}

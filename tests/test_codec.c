/*  test_codec.c: MessagePack codec of the input item and the annotated item.
    Round trips struct -> msgpack -> struct compared field by field, and
    hostile input for each decoder (wt_item_decode, wt_result_decode,
    wt_msgpack_check), each case asserting the exact error code. All texts
    are sentences we wrote for the tests. */
#include "format/format_int.h"
#include "testutil.h"
#include "wiretag/codec.h"
#include "wiretag/json.h"

#include <msgpack.h>
#include <math.h>

/* ------------------------------------------------------------------ */
/* Building MessagePack by hand */

static int s_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

typedef struct {
    wt_buf_t b;
    msgpack_packer pk;
} mp_t;

static void mp_init(mp_t *m)
{
    wt_buf_init(&m->b);
    msgpack_packer_init(&m->pk, &m->b, s_write);
}

static void mp_str(mp_t *m, const char *s)
{
    msgpack_pack_str_with_body(&m->pk, s, strlen(s));
}

static void mp_strn(mp_t *m, const char *s, size_t n)
{
    msgpack_pack_str_with_body(&m->pk, s, n);
}

static void mp_raw(mp_t *m, const char *bytes, size_t n)
{
    wt_buf_append(&m->b, bytes, n);
}

/* Nested arrays: depth levels, innermost empty. */
static void mp_nest(mp_t *m, int depth)
{
    for (int i = 0; i < depth; i++)
        msgpack_pack_array(&m->pk, i + 1 < depth ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Values used in the item table */

typedef void (*val_fn)(mp_t *m);

static void v_int(mp_t *m)
{
    msgpack_pack_int(&m->pk, 5);
}
static void v_neg(mp_t *m)
{
    msgpack_pack_int(&m->pk, -5);
}
static void v_nil(mp_t *m)
{
    msgpack_pack_nil(&m->pk);
}
static void v_true(mp_t *m)
{
    msgpack_pack_true(&m->pk);
}
static void v_float(mp_t *m)
{
    msgpack_pack_double(&m->pk, 1.5);
}
static void v_arr(mp_t *m)
{
    msgpack_pack_array(&m->pk, 1), mp_str(m, "a");
}
static void v_map(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "a"), mp_str(m, "b");
}
static void v_bin(mp_t *m)
{
    msgpack_pack_bin_with_body(&m->pk, "abc", 3);
}
static void v_ext(mp_t *m)
{
    mp_raw(m, "\xd4\x01\x02", 3);
}
static void v_empty(mp_t *m)
{
    mp_str(m, "");
}
static void v_text(mp_t *m)
{
    mp_str(m, "The minister said the talks would resume.");
}
static void v_nul(mp_t *m)
{
    mp_strn(m, "ab\0cd", 5);
}
static void v_overlong(mp_t *m)
{
    mp_str(m, "a\xc0\xaf"
              "b");
}
static void v_surrogate(mp_t *m)
{
    mp_str(m, "a\xed\xa0\x80"
              "b");
}
static void v_truncseq(mp_t *m)
{
    mp_str(m, "ab\xe2\x82");
}
static void v_badlead(mp_t *m)
{
    mp_str(m, "a\xff"
              "b");
}
static void v_toolong(mp_t *m)
{
    static char big[5000];
    memset(big, 'x', sizeof big);
    mp_strn(m, big, sizeof big);
}
static void v_date_iso(mp_t *m)
{
    mp_str(m, "2021-09-10T08:15:00Z");
}
static void v_date_garbage(mp_t *m)
{
    mp_str(m, "last Tuesday");
}
static void v_date_month(mp_t *m)
{
    mp_str(m, "2021-13-01");
}
static void v_date_tail(mp_t *m)
{
    mp_str(m, "2021-09-10x");
}
static void v_meta_ok(mp_t *m)
{
    msgpack_pack_map(&m->pk, 3);
    mp_str(m, "feed"), mp_str(m, "wire");
    mp_str(m, "tags"), msgpack_pack_array(&m->pk, 2), mp_str(m, "a"), msgpack_pack_int(&m->pk, -3);
    mp_str(m, "score"), msgpack_pack_double(&m->pk, 0.25);
}
static void v_meta_intkey(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), msgpack_pack_int(&m->pk, 1), mp_str(m, "x");
}
static void v_meta_dupkey(mp_t *m)
{
    msgpack_pack_map(&m->pk, 2), mp_str(m, "k"), v_int(m), mp_str(m, "k"), v_int(m);
}
static void v_meta_bin(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), v_bin(m);
}
static void v_meta_nan(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), msgpack_pack_double(&m->pk, NAN);
}
static void v_meta_bigint(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), msgpack_pack_uint64(&m->pk, UINT64_MAX);
}
static void v_meta_badutf8(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), v_overlong(m);
}
static void v_meta_nulkey(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_strn(m, "k\0", 2), v_int(m);
}
/* meta is at depth 2 inside the item: 31 levels fit, 32 do not */
static void v_meta_depth31(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), mp_nest(m, 30);
}
static void v_meta_depth32(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k"), mp_nest(m, 31);
}
static void v_meta_hugecount(mp_t *m)
{
    mp_raw(m, "\xdf\xff\xff\xff\xff", 5);
}
static void v_meta_big(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "k");
    v_toolong(m);
}
/* 20 keys (the sorted duplicate check), the last equal to the first or not */
static void v_meta_20(mp_t *m, bool dup)
{
    msgpack_pack_map(&m->pk, 20);
    for (int i = 0; i < 20; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%d", i == 19 && dup ? 0 : i);
        mp_str(m, k), msgpack_pack_int(&m->pk, i);
    }
}
static void v_meta_20dup(mp_t *m)
{
    v_meta_20(m, true);
}
static void v_meta_20ok(mp_t *m)
{
    v_meta_20(m, false);
}
static void v_date_long(mp_t *m)
{
    mp_str(m, "2021-09-10T08:00:00.000000000000000000000000000000000000000000000000000000Z");
}
static void v_unknown_deep(mp_t *m)
{
    msgpack_pack_map(&m->pk, 1), mp_str(m, "future"), mp_nest(m, 20);
}

/* The fields of a valid input item, in order. */
static const struct {
    const char *key;
    val_fn val;
} item_fields[] = {
    {"id", NULL},   {"title", NULL},     {"source", NULL}, {"url", NULL},
    {"lang", NULL}, {"published", NULL}, {"text", v_text}, {"meta", v_meta_ok},
};
#define N_ITEM_FIELDS (sizeof item_fields / sizeof item_fields[0])

static void v_default(mp_t *m, const char *key)
{
    if (!strcmp(key, "published"))
        mp_str(m, "2021-09-10");
    else if (!strcmp(key, "id"))
        mp_str(m, "item-1");
    else if (!strcmp(key, "url"))
        mp_str(m, "https://example.org/a");
    else
        mp_str(m, key); /* "title" -> "title", ... */
}

enum { OVERRIDE, OMIT, ADD };

/* A valid item with one field replaced (OVERRIDE), left out (OMIT) or a
   key added at the end (ADD, which may repeat an existing key). */
static void build_item(mp_t *m, int mode, const char *key, val_fn val)
{
    mp_init(m);
    size_t n = N_ITEM_FIELDS + (mode == ADD) - (mode == OMIT);
    msgpack_pack_map(&m->pk, n);
    for (size_t i = 0; i < N_ITEM_FIELDS; i++) {
        const char *k = item_fields[i].key;
        bool hit = mode != ADD && !strcmp(k, key);
        if (hit && mode == OMIT) continue;
        mp_str(m, k);
        if (hit)
            val(m);
        else if (item_fields[i].val)
            item_fields[i].val(m);
        else
            v_default(m, k);
    }
    if (mode == ADD) {
        mp_str(m, key);
        val(m);
    }
}

static const wt_limits_t small_limits = {
    .max_text = 64, .max_field = 4096, .max_meta = 256, .max_elements = 2};

static void test_item_table(void)
{
    static const struct {
        int mode;
        const char *key;
        val_fn val;
        int expect;
        const wt_limits_t *lim;
    } cases[] = {
        /* text */
        {OMIT, "text", NULL, WT_EMISSING, NULL},
        {OVERRIDE, "text", v_int, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_nil, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_arr, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_map, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_bin, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_true, WT_ETYPE, NULL},
        {OVERRIDE, "text", v_empty, WT_EEMPTY, NULL},
        {OVERRIDE, "text", v_nul, WT_ENUL, NULL},
        {OVERRIDE, "text", v_overlong, WT_EUTF8, NULL},
        {OVERRIDE, "text", v_surrogate, WT_EUTF8, NULL},
        {OVERRIDE, "text", v_truncseq, WT_EUTF8, NULL},
        {OVERRIDE, "text", v_badlead, WT_EUTF8, NULL},
        {OVERRIDE, "text", v_toolong, WT_ETOOBIG, &small_limits},
        {OVERRIDE, "text", v_toolong, 0, NULL},
        {ADD, "text", v_text, WT_EDUPKEY, NULL},
        /* id */
        {OVERRIDE, "id", v_int, WT_ETYPE, NULL},
        {OVERRIDE, "id", v_empty, WT_EEMPTY, NULL},
        {OVERRIDE, "id", v_arr, WT_ETYPE, NULL},
        {OVERRIDE, "id", v_nil, 0, NULL},
        {OMIT, "id", NULL, 0, NULL},
        {OVERRIDE, "id", v_toolong, WT_ETOOBIG, NULL},
        /* plain optional strings */
        {OVERRIDE, "title", v_int, WT_ETYPE, NULL},
        {OVERRIDE, "title", v_float, WT_ETYPE, NULL},
        {OVERRIDE, "title", v_map, WT_ETYPE, NULL},
        {OVERRIDE, "title", v_nul, WT_ENUL, NULL},
        {OVERRIDE, "title", v_surrogate, WT_EUTF8, NULL},
        {OVERRIDE, "title", v_empty, 0, NULL},
        {OVERRIDE, "title", v_nil, 0, NULL},
        {OVERRIDE, "source", v_true, WT_ETYPE, NULL},
        {OVERRIDE, "source", v_toolong, WT_ETOOBIG, NULL},
        {OVERRIDE, "url", v_bin, WT_ETYPE, NULL},
        {OVERRIDE, "url", v_badlead, WT_EUTF8, NULL},
        {OVERRIDE, "lang", v_neg, WT_ETYPE, NULL},
        {OVERRIDE, "lang", v_ext, WT_ETYPE, NULL},
        /* published */
        {OVERRIDE, "published", v_date_iso, 0, NULL},
        /* an unreadable date never refuses the item: it is dropped and flagged */
        {OVERRIDE, "published", v_date_garbage, 0, NULL},
        {OVERRIDE, "published", v_date_month, 0, NULL},
        {OVERRIDE, "published", v_date_tail, 0, NULL},
        {OVERRIDE, "published", v_toolong, 0, NULL},
        {OVERRIDE, "published", v_empty, 0, NULL},
        {OVERRIDE, "published", v_int, 0, NULL},
        {OVERRIDE, "published", v_map, 0, NULL},
        {OVERRIDE, "published", v_nil, 0, NULL},
        /* meta */
        {OVERRIDE, "meta", v_nil, 0, NULL},
        {OVERRIDE, "meta", v_text, WT_ETYPE, NULL},
        {OVERRIDE, "meta", v_arr, WT_ETYPE, NULL},
        {OVERRIDE, "meta", v_meta_intkey, WT_EBADKEY, NULL},
        {OVERRIDE, "meta", v_meta_dupkey, WT_EDUPKEY, NULL},
        {OVERRIDE, "meta", v_meta_bin, WT_ETYPE, NULL},
        {OVERRIDE, "meta", v_meta_nan, WT_EVALUE, NULL},
        {OVERRIDE, "meta", v_meta_bigint, WT_EVALUE, NULL},
        {OVERRIDE, "meta", v_meta_badutf8, WT_EUTF8, NULL},
        {OVERRIDE, "meta", v_meta_nulkey, WT_ENUL, NULL},
        {OVERRIDE, "meta", v_meta_depth31, 0, NULL},
        {OVERRIDE, "meta", v_meta_depth32, WT_EDEPTH, NULL},
        {OVERRIDE, "meta", v_meta_hugecount, WT_ECOUNT, NULL},
        {OVERRIDE, "meta", v_meta_20dup, WT_EDUPKEY, NULL},
        {OVERRIDE, "meta", v_meta_20ok, 0, NULL},
        {OVERRIDE, "published", v_date_long, 0, NULL},
        {OVERRIDE, "meta", v_meta_big, WT_ETOOBIG, &small_limits},
        /* unknown keys: ignored, still checked for structure and duplicates */
        {ADD, "future_field", v_meta_ok, 0, NULL},
        {ADD, "future_field", v_bin, 0, NULL},
        {ADD, "future_field", v_unknown_deep, 0, NULL},
        {ADD, "future_field", v_meta_hugecount, WT_ECOUNT, NULL},
        {ADD, "title", v_text, WT_EDUPKEY, NULL},
        {ADD, "meta", v_nil, WT_EDUPKEY, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_t m;
        build_item(&m, cases[i].mode, cases[i].key, cases[i].val);
        wt_item_t it = {0};
        char err[256] = "";
        int r = wt_item_decode_ex(m.b.data, m.b.size, cases[i].lim, &it, err, sizeof err);
        CHECK_MSG(r == cases[i].expect, "case %zu (%s): got %s (%s), want %s", i, cases[i].key,
                  wt_errname(r), err, wt_errname(cases[i].expect));
        if (r == 0) {
            CHECK(it.text && it.text_len > 0 && it.id && *it.id);
        } else {
            CHECK(it.text == NULL && it.id == NULL && it.meta == NULL); /* left clear */
            int e = cases[i].expect;
            bool structural = e == WT_ECOUNT || e == WT_ETRUNCATED || e == WT_EDEPTH ||
                              e == WT_ESYNTAX || e == WT_ETRAILING;
            CHECK_MSG(strstr(err, cases[i].key) != NULL || structural || cases[i].mode == ADD,
                      "case %zu: reason \"%s\" does not name %s", i, err, cases[i].key);
        }
        wt_item_clear(&it);
        wt_buf_free(&m.b);
    }
}

/* Non-string keys and other top-level shapes. */
static void test_item_shapes(void)
{
    static const struct {
        const char *bytes;
        size_t n;
        int expect;
    } cases[] = {
        {"", 0, WT_ETRUNCATED},
        {"\x91\xa1x", 3, WT_ETYPE},                              /* array, not map */
        {"\xa4text", 5, WT_ETYPE},                               /* a bare string */
        {"\x80", 1, WT_EMISSING},                                /* empty map */
        {"\x81\x01\xa1x", 4, WT_EBADKEY},                        /* int key */
        {"\x81\xc0\xa1x", 4, WT_EBADKEY},                        /* nil key */
        {"\x81\xc4\x04text\xa1x", 9, WT_EBADKEY},                /* bin key */
        {"\x81\xa4text\xa1x\x00", 9, WT_ETRAILING},              /* one byte too many */
        {"\x81\xa4text\xa1x\x80", 9, WT_ETRAILING},              /* a second value */
        {"\x81\xa4text\xa1x", 8, 0},                             /* smallest valid item */
        {"\x83\xa4text\xa1x\xa1y\x01\xa1y\x02", 14, WT_EDUPKEY}, /* unknown key twice */
        {"\x83\xa4text\xa1x\xa1y\x01\xa1z\x02", 14, 0},          /* two unknown keys */
        {"\x82\xa4text\xa1x\x91\x01\xa1z", 12, WT_EBADKEY},      /* array as key */
        {"\xc1", 1, WT_ESYNTAX},                                 /* reserved byte */
        {"\x81\xa4text\xc1", 7, WT_ESYNTAX},
        {"\xdd\xff\xff\xff\xff", 5, WT_ECOUNT},         /* array32 of 2^32-1 */
        {"\xdf\xff\xff\xff\xff", 5, WT_ECOUNT},         /* map32 */
        {"\xdc\xff\xff", 3, WT_ECOUNT},                 /* array16 */
        {"\xde\x00\x02\xa1x\x01", 6, WT_ECOUNT},        /* 2 pairs, 3 bytes left */
        {"\x9f\x01\x02", 3, WT_ECOUNT},                 /* fixarray 15 */
        {"\xdb\xff\xff\xff\xff", 5, WT_ETRUNCATED},     /* str32 of 4 GiB */
        {"\xc6\xff\xff\xff\xff", 5, WT_ETRUNCATED},     /* bin32 */
        {"\xc9\xff\xff\xff\xff\x01", 6, WT_ETRUNCATED}, /* ext32 */
        {"\x81\xa4text\xdb\xff\xff\xff\xff", 11, WT_ETRUNCATED},
        {"\x81\xa4text\xdd\xff\xff\xff\xff", 11, WT_ECOUNT},
        {"\xdd\x00\x00", 3, WT_ETRUNCATED}, /* header cut */
        {"\xcb\x00\x00", 3, WT_ETRUNCATED}, /* float64 cut */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wt_item_t it = {0};
        int r = wt_item_decode((const uint8_t *)cases[i].bytes, cases[i].n, NULL, &it);
        CHECK_MSG(r == cases[i].expect, "shape %zu: got %s want %s", i, wt_errname(r),
                  wt_errname(cases[i].expect));
        wt_item_clear(&it);
    }
}

/* wt_msgpack_check: depth 32 vs 33, every kind of header. */
static void test_check(void)
{
    for (int depth = 1; depth <= 34; depth++) {
        mp_t m;
        mp_init(&m);
        mp_nest(&m, depth);
        int r = wt_msgpack_check(m.b.data, m.b.size, WT_MAX_DEPTH);
        CHECK_MSG(r == (depth <= 32 ? 0 : WT_EDEPTH), "depth %d: %s", depth, wt_errname(r));
        wt_buf_free(&m.b);
    }
    /* maps count as levels too */
    mp_t m;
    mp_init(&m);
    for (int i = 0; i < 33; i++)
        msgpack_pack_map(&m.pk, 1), mp_str(&m, "k");
    msgpack_pack_nil(&m.pk);
    CHECK_EQ_INT(wt_msgpack_check(m.b.data, m.b.size, WT_MAX_DEPTH), WT_EDEPTH);
    CHECK_EQ_INT(wt_msgpack_check(m.b.data, m.b.size, 33), 0);
    wt_buf_free(&m.b);
    /* a value of every type */
    mp_init(&m);
    msgpack_pack_array(&m.pk, 17);
    msgpack_pack_nil(&m.pk), msgpack_pack_true(&m.pk), msgpack_pack_false(&m.pk);
    msgpack_pack_int8(&m.pk, -100), msgpack_pack_int16(&m.pk, -30000);
    msgpack_pack_int32(&m.pk, -2000000000), msgpack_pack_int64(&m.pk, INT64_MIN);
    msgpack_pack_uint64(&m.pk, UINT64_MAX), msgpack_pack_float(&m.pk, 1.5f);
    msgpack_pack_double(&m.pk, -2.25), mp_str(&m, "str"), v_bin(&m), v_ext(&m);
    mp_raw(&m,
           "\xc7\x02\x05"
           "ab",
           5); /* ext8 */
    msgpack_pack_map(&m.pk, 0), msgpack_pack_array(&m.pk, 0);
    mp_raw(&m, "\xd0\x05", 2); /* a positive value in a signed format */
    CHECK_EQ_INT(wt_msgpack_check(m.b.data, m.b.size, WT_MAX_DEPTH), 0);
    /* every prefix is refused */
    for (size_t k = 0; k < m.b.size; k++) {
        int r = wt_msgpack_check(m.b.data, k, WT_MAX_DEPTH);
        CHECK_MSG(r == WT_ETRUNCATED || r == WT_ECOUNT, "prefix %zu: %s", k, wt_errname(r));
    }
    wt_buf_free(&m.b);
    CHECK_EQ_INT(wt_msgpack_check(NULL, 0, WT_MAX_DEPTH), WT_ETRUNCATED);
}

/* ------------------------------------------------------------------ */
/* Round trips */

static bool streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_item_eq(const wt_item_t *a, const wt_item_t *b, const char *what)
{
    CHECK_MSG(streq(a->id, b->id), "%s: id", what);
    CHECK_MSG(streq(a->title, b->title), "%s: title", what);
    CHECK_MSG(streq(a->source, b->source), "%s: source", what);
    CHECK_MSG(streq(a->url, b->url), "%s: url", what);
    CHECK_MSG(streq(a->published, b->published), "%s: published", what);
    CHECK_MSG(streq(a->lang, b->lang), "%s: lang", what);
    CHECK_MSG(a->text_len == b->text_len && !memcmp(a->text, b->text, a->text_len), "%s: text",
              what);
    CHECK_MSG(a->meta_len == b->meta_len &&
                  (a->meta_len == 0 || !memcmp(a->meta, b->meta, a->meta_len)),
              "%s: meta", what);
}

static bool spans_eq(const wt_span_t *a, const wt_span_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].start != b[i].start || a[i].end != b[i].end) return false;
    return true;
}

static void check_result_eq(const wt_result_t *a, const wt_result_t *b, const char *what)
{
    check_item_eq(&a->item, &b->item, what);
    CHECK_MSG(a->has_seq == b->has_seq && a->seq == b->seq, "%s: seq", what);
    CHECK_MSG(a->actor_count == b->actor_count, "%s: actor count", what);
    for (size_t i = 0; i < a->actor_count && i < b->actor_count; i++) {
        const wt_actor_t *x = &a->actors[i], *y = &b->actors[i];
        CHECK_MSG(streq(x->id, y->id) && streq(x->name, y->name) && x->type == y->type &&
                      !strcmp(x->country, y->country) && streq(x->code, y->code) &&
                      streq(x->role, y->role) && streq(x->wikidata, y->wikidata) &&
                      x->known == y->known && x->salience == y->salience,
                  "%s: actor %zu", what, i);
        CHECK_MSG(x->mention_count == y->mention_count &&
                      spans_eq(x->mentions, y->mentions, x->mention_count),
                  "%s: actor %zu mentions", what, i);
    }
    CHECK_MSG(a->issue_count == b->issue_count, "%s: issue count", what);
    for (size_t i = 0; i < a->issue_count && i < b->issue_count; i++) {
        const wt_issue_t *x = &a->issues[i], *y = &b->issues[i];
        CHECK_MSG(streq(x->id, y->id) && streq(x->label, y->label) && streq(x->topic, y->topic) &&
                      x->score == y->score && x->mention_count == y->mention_count &&
                      spans_eq(x->mentions, y->mentions, x->mention_count),
                  "%s: issue %zu", what, i);
    }
    CHECK_MSG(a->quote_count == b->quote_count, "%s: quote count", what);
    for (size_t i = 0; i < a->quote_count && i < b->quote_count; i++) {
        const wt_quote_t *x = &a->quotes[i], *y = &b->quotes[i];
        CHECK_MSG(spans_eq(&x->span, &y->span, 1) && x->kind == y->kind && streq(x->cue, y->cue) &&
                      x->has_speaker == y->has_speaker,
                  "%s: quote %zu", what, i);
        if (x->has_speaker && y->has_speaker)
            CHECK_MSG(streq(x->speaker_actor, y->speaker_actor) &&
                          spans_eq(&x->speaker, &y->speaker, 1),
                      "%s: quote %zu speaker", what, i);
    }
    CHECK_MSG(!memcmp(&a->stats, &b->stats, sizeof a->stats), "%s: stats", what);
    CHECK_MSG(streq(a->annotator_version, b->annotator_version) &&
                  streq(a->annotator_dictionaries, b->annotator_dictionaries),
              "%s: annotator", what);
}

/* Texts written for the tests (multi-byte characters on purpose). */
static const char TEXT1[] =
    "Foreign Minister Ana Ruiz met Premier Tomás Olsen in Oslo on Monday. "
    "\"We will not accept new tariffs on steel,\" Ruiz said. Olsen called the "
    "talks \u201cconstructive\u201d and said both sides wanted lower emissions.";

static size_t off(const char *needle)
{
    const char *p = strstr(TEXT1, needle);
    if (!p) {
        fprintf(stderr, "fixture: '%s' not in text\n", needle);
        exit(2);
    }
    return (size_t)(p - TEXT1);
}

static wt_span_t span_of(const char *needle)
{
    size_t s = off(needle);
    return (wt_span_t){(uint32_t)s, (uint32_t)(s + strlen(needle))};
}

static void make_item(wt_item_t *it, bool full)
{
    memset(it, 0, sizeof *it);
    it->text = wt_strdup(TEXT1);
    it->text_len = strlen(TEXT1);
    it->id = wt_strdup("oslo-1");
    if (full) {
        it->title = wt_strdup("Ruiz and Olsen meet in Oslo");
        it->source = wt_strdup("Test Wire");
        it->url = wt_strdup("https://example.org/oslo?x=1&y=\"2\"");
        it->published = wt_strdup("2021-09-10");
        it->lang = wt_strdup("en");
        /* {"desk":"europe","n":[1,-2,2.5,null,true]} */
        mp_t m;
        mp_init(&m);
        msgpack_pack_map(&m.pk, 2);
        mp_str(&m, "desk"), mp_str(&m, "europe");
        mp_str(&m, "n"), msgpack_pack_array(&m.pk, 5);
        msgpack_pack_int(&m.pk, 1), msgpack_pack_int(&m.pk, -2), msgpack_pack_double(&m.pk, 2.5);
        msgpack_pack_nil(&m.pk), msgpack_pack_true(&m.pk);
        it->meta = m.b.data;
        it->meta_len = m.b.size;
    }
}

/* variant 0: empty annotations; 1: full; 2: full with seq and no meta */
static void make_result(wt_result_t *res, int variant)
{
    memset(res, 0, sizeof *res);
    make_item(&res->item, variant > 0);
    res->stats = (wt_stats_t){strlen(TEXT1), 40, 3, 95};
    res->annotator_version = wt_strdup("0.1.0");
    if (variant == 0) return;
    res->annotator_dictionaries = wt_strdup("actors@2021-09;issues@3");
    if (variant == 2) {
        res->has_seq = true;
        res->seq = 1042;
        free(res->item.meta);
        res->item.meta = NULL, res->item.meta_len = 0;
        free(res->item.lang);
        res->item.lang = NULL;
    }
    wt_actor_t *a = wt_result_add_actor(res);
    a->id = wt_strdup("ana_ruiz");
    a->name = wt_strdup("Ana Ruiz");
    a->type = WT_ACTOR_PERSON;
    memcpy(a->country, "ESP", 4);
    a->code = wt_strdup("ESPGOV");
    a->role = wt_strdup("Foreign Minister");
    a->wikidata = wt_strdup("Q1");
    a->known = true;
    a->salience = 0.31;
    wt_span_t s1 = span_of("Ana Ruiz"), s2 = span_of("Ruiz said");
    wt_actor_add_mention(a, s1.start, s1.end);
    wt_actor_add_mention(a, s2.start, s2.start + 4);
    a = wt_result_add_actor(res);
    a->id = wt_strdup("u1");
    a->name = wt_strdup("Tomás Olsen");
    a->type = WT_ACTOR_PERSON;
    a->salience = 1.0 / 3.0;
    s1 = span_of("Tomás Olsen");
    wt_actor_add_mention(a, s1.start, s1.end);
    a = wt_result_add_actor(res);
    a->id = wt_strdup("norway");
    a->name = wt_strdup("Norway");
    a->type = WT_ACTOR_COUNTRY;
    memcpy(a->country, "NOR", 4);
    a->code = wt_strdup("NOR");
    a->known = true;
    a->salience = 0;
    s1 = span_of("Oslo");
    wt_actor_add_mention(a, s1.start, s1.end);

    wt_issue_t *is = wt_result_add_issue(res);
    is->id = wt_strdup("tariffs");
    is->label = wt_strdup("Tariffs");
    is->topic = wt_strdup("foreign_trade");
    is->score = 0.8;
    s1 = span_of("tariffs");
    wt_issue_add_mention(is, s1.start, s1.end);
    is = wt_result_add_issue(res);
    is->id = wt_strdup("emissions");
    is->label = wt_strdup("Emissions");
    is->topic = wt_strdup("environment");
    is->score = 1e-7;
    s1 = span_of("emissions");
    wt_issue_add_mention(is, s1.start, s1.end);

    wt_quote_t *q = wt_result_add_quote(res);
    q->span = span_of("We will not accept new tariffs on steel");
    q->kind = WT_QUOTE_DIRECT;
    q->cue = wt_strdup("said");
    q->has_speaker = true;
    q->speaker_actor = wt_strdup("ana_ruiz");
    q->speaker = span_of("Ruiz said");
    q->speaker.end = q->speaker.start + 4;
    q = wt_result_add_quote(res);
    q->span = span_of("constructive");
    q->kind = WT_QUOTE_PARTIAL;
    q->cue = wt_strdup("called");
    q->has_speaker = true;
    q->speaker_actor = NULL; /* unnamed */
    q->speaker = span_of("Olsen called");
    q->speaker.end = q->speaker.start + 5;
    q = wt_result_add_quote(res);
    q->span = span_of("both sides wanted lower emissions");
    q->kind = WT_QUOTE_INDIRECT;
    q->has_speaker = false;
}

static void test_roundtrip(void)
{
    for (int full = 0; full < 2; full++) {
        wt_item_t a, b;
        make_item(&a, full);
        wt_buf_t buf;
        wt_buf_init(&buf);
        wt_item_encode(&a, &buf);
        CHECK_EQ_INT(wt_msgpack_check(buf.data, buf.size, WT_MAX_DEPTH), 0);
        CHECK_EQ_INT(wt_item_decode(buf.data, buf.size, NULL, &b), 0);
        check_item_eq(&a, &b, full ? "item full" : "item minimal");
        /* every proper prefix is refused */
        int ntrunc = 0, ncount = 0;
        for (size_t k = 0; k < buf.size; k++) {
            wt_item_t c = {0};
            int r = wt_item_decode(buf.data, k, NULL, &c);
            CHECK_MSG(r == WT_ETRUNCATED || r == WT_ECOUNT, "item prefix %zu: %s", k,
                      wt_errname(r));
            ntrunc += r == WT_ETRUNCATED, ncount += r == WT_ECOUNT;
            wt_item_clear(&c);
        }
        CHECK(ntrunc > 0 && ncount > 0);
        /* and a byte more is refused */
        wt_buf_append(&buf, "\xc0", 1);
        wt_item_t c = {0};
        CHECK_EQ_INT(wt_item_decode(buf.data, buf.size, NULL, &c), WT_ETRAILING);
        wt_item_clear(&a);
        wt_item_clear(&b);
        wt_buf_free(&buf);
    }
    /* id generated from the text when absent */
    wt_item_t a, b;
    make_item(&a, false);
    free(a.id);
    a.id = NULL;
    wt_buf_t buf;
    wt_buf_init(&buf);
    wt_item_encode(&a, &buf);
    CHECK_EQ_INT(wt_item_decode(buf.data, buf.size, NULL, &b), 0);
    wt_item_ensure_id(&a);
    CHECK_EQ_STR(b.id, a.id);
    CHECK(b.id && b.id[0] == 'h' && strlen(b.id) == 17);
    wt_item_clear(&a);
    wt_item_clear(&b);
    wt_buf_free(&buf);

    for (int variant = 0; variant < 3; variant++) {
        wt_result_t r1, r2;
        char what[32];
        snprintf(what, sizeof what, "result %d", variant);
        make_result(&r1, variant);
        wt_buf_init(&buf);
        wt_result_encode(&r1, &buf);
        char err[256] = "";
        int r = wt_result_decode_ex(buf.data, buf.size, NULL, &r2, err, sizeof err);
        CHECK_MSG(r == 0, "%s: %s", what, err);
        check_result_eq(&r1, &r2, what);
        /* re-encoding gives the same bytes */
        wt_buf_t again;
        wt_buf_init(&again);
        wt_result_encode(&r2, &again);
        CHECK(again.size == buf.size && !memcmp(again.data, buf.data, buf.size));
        for (size_t k = 0; k < buf.size; k++) {
            wt_result_t c;
            int rc = wt_result_decode(buf.data, k, NULL, &c);
            CHECK_MSG(rc == WT_ETRUNCATED || rc == WT_ECOUNT, "%s prefix %zu: %s", what, k,
                      wt_errname(rc));
        }
        wt_buf_append(&buf, "\x00", 1);
        wt_result_t c;
        CHECK_EQ_INT(wt_result_decode(buf.data, buf.size, NULL, &c), WT_ETRAILING);
        wt_result_clear(&r1);
        wt_result_clear(&r2);
        wt_buf_free(&buf);
        wt_buf_free(&again);
    }
}

/* ------------------------------------------------------------------ */
/* Hostile annotated items: mutations of a valid one */

/* Replace the first occurrence of from by to in s (fixture helper). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    if (!p) {
        fprintf(stderr, "fixture: '%s' not found\n", from);
        exit(2);
    }
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(p - s);
    memcpy(out, s, pre);
    strcpy(out + pre, to);
    strcat(out, p + strlen(from));
    return out;
}

/* Replace bytes in a MessagePack buffer (same length). */
static bool patch(wt_buf_t *b, const char *from, const char *to, size_t n)
{
    for (size_t i = 0; i + n <= b->size; i++)
        if (!memcmp(b->data + i, from, n)) {
            memcpy(b->data + i, to, n);
            return true;
        }
    return false;
}

static void test_result_hostile(void)
{
    wt_result_t base;
    make_result(&base, 1);
    wt_buf_t js;
    wt_buf_init(&js);
    wt_result_to_json(&base, false, &js);
    wt_buf_append(&js, "", 1);
    const char *json = (const char *)js.data;
    size_t ruiz = off("Ana Ruiz");
    char m1[64], m1bad[64], m1far[64], m1rev[64];
    snprintf(m1, sizeof m1, "\"start\":%zu,\"end\":%zu,\"text\":\"Ana Ruiz\"", ruiz, ruiz + 8);
    snprintf(m1bad, sizeof m1bad, "\"start\":%zu,\"end\":%zu,\"text\":\"Ana Ruix\"", ruiz,
             ruiz + 8);
    snprintf(m1far, sizeof m1far, "\"start\":%zu,\"end\":99999,\"text\":\"Ana Ruiz\"", ruiz);
    snprintf(m1rev, sizeof m1rev, "\"start\":%zu,\"end\":%zu,\"text\":\"\"", ruiz + 8, ruiz);
    size_t tomas = off("Tomás");
    char m2[80], m2mid[80];
    snprintf(m2, sizeof m2, "\"start\":%zu,\"end\":%zu,\"text\":\"Tomás Olsen\"", tomas,
             tomas + strlen("Tomás Olsen"));
    /* end inside the two bytes of "á" */
    snprintf(m2mid, sizeof m2mid, "\"start\":%zu,\"end\":%zu,\"text\":\"Tom\"", tomas, tomas + 4);
    struct {
        const char *from, *to;
        int expect;
    } cases[] = {
        {"\"known\":true", "\"known\":1", WT_ETYPE},
        {"\"known\":true", "\"known\":null", WT_ETYPE},
        {"\"salience\":0.31", "\"salience\":\"high\"", WT_ETYPE},
        {"\"salience\":0.31", "\"salience\":1", 0},
        {"\"type\":\"person\"", "\"type\":\"alien\"", WT_EVALUE},
        {"\"type\":\"person\"", "\"type\":7", WT_ETYPE},
        {"\"country\":\"ESP\"", "\"country\":\"ES\"", WT_EVALUE},
        {"\"country\":\"ESP\"", "\"country\":\"esp\"", WT_EVALUE},
        {"\"country\":\"ESP\"", "\"country\":\"\"", WT_EVALUE},
        {"\"country\":\"ESP\"", "\"country\":34", WT_ETYPE},
        {"\"country\":\"ESP\"", "\"country\":null", 0},
        {"\"code\":\"ESPGOV\"", "\"code\":[]", WT_ETYPE},
        {"\"role\":\"Foreign Minister\"", "\"role\":\"Foreign\\u0000Minister\"", WT_ENUL},
        {"\"id\":\"ana_ruiz\"", "\"id\":\"\"", WT_EEMPTY},
        {"\"id\":\"ana_ruiz\"", "\"idx\":\"ana_ruiz\"", WT_EMISSING},
        {"\"wikidata\":\"Q1\",", "", WT_EMISSING},
        {"\"topic\":\"foreign_trade\"", "\"topic\":\"weather\"", WT_EVALUE},
        {"\"topic\":\"foreign_trade\"", "\"topic\":\"Foreign_Trade\"", WT_EVALUE},
        {"\"score\":0.8", "\"score\":true", WT_ETYPE},
        {"\"label\":\"Tariffs\",", "", WT_EMISSING},
        {m1, m1bad, WT_EVALUE},
        {m1, m1far, WT_EVALUE},
        {m1, m1rev, WT_EVALUE},
        {m2, m2mid, WT_EVALUE},
        {"\"mentions\":[{\"start\":", "\"mentions\":[{\"start\":4294967296,\"s\":", WT_EVALUE},
        {"\"mentions\":[{\"start\":", "\"mentions\":[{\"start\":-3,\"s\":", WT_EVALUE},
        {"\"mentions\":[{\"start\":", "\"mentions\":[{\"start\":1.5,\"s\":", WT_ETYPE},
        {"\"mentions\":[{\"start\":", "\"mentions\":[{\"end\":", WT_EDUPKEY},
        {"\"mentions\":[{", "\"mentions\":[7,{", WT_ETYPE},
        {"\"mentions\":[", "\"mentions\":\"x\",\"m\":[", WT_ETYPE},
        {"\"kind\":\"direct\"", "\"kind\":\"shouted\"", WT_EVALUE},
        {"\"cue\":\"said\"", "\"cue\":false", WT_ETYPE},
        {"\"actor\":\"ana_ruiz\"", "\"actor\":\"nobody\"", WT_EVALUE},
        {"\"actor\":\"ana_ruiz\"", "\"actor\":\"\"", WT_EEMPTY},
        {"\"speaker\":{\"actor\":\"ana_ruiz\"", "\"speaker\":[{\"actor\":\"ana_ruiz\"", WT_ESYNTAX},
        {"\"speaker\":null", "\"speaker\":[]", WT_ETYPE},
        {"\"speaker\":null", "\"speaker\":{}", WT_EMISSING},
        {"\"tokens\":40,", "", WT_EMISSING},
        {"\"tokens\":40", "\"tokens\":-40", WT_EVALUE},
        {"\"tokens\":40", "\"tokens\":40.0", WT_ETYPE},
        {"\"stats\":{", "\"stats\":[{", WT_ESYNTAX},
        {"\"stats\":{", "\"stats\":7,\"s\":{", WT_ETYPE},
        {"\"annotator\":{", "\"annotatorx\":{", WT_EMISSING},
        {"\"version\":\"0.1.0\"", "\"version\":1", WT_ETYPE},
        {"\"actors\":[", "\"actors\":{},\"a\":[", WT_ETYPE},
        {"\"issues\":[", "\"issues\":null,\"i\":[", WT_ETYPE},
        {"\"quotes\":[", "\"quotesx\":[", WT_EMISSING},
        {"{\"id\":\"oslo-1\"", "{\"id\":null", WT_ETYPE},
        {"{\"id\":\"oslo-1\"", "{\"seq\":-1,\"id\":\"oslo-1\"", WT_EVALUE},
        {"{\"id\":\"oslo-1\"", "{\"seq\":\"1\",\"id\":\"oslo-1\"", WT_ETYPE},
        {"{\"id\":\"oslo-1\"", "{\"seq\":7,\"id\":\"oslo-1\"", 0},
        {"{\"id\":\"oslo-1\"", "{\"future\":{\"x\":[1,2]},\"id\":\"oslo-1\"", 0},
        {"\"name\":\"Ana Ruiz\"", "\"f\":[{}],\"name\":\"Ana Ruiz\"", 0},
        {"\"label\":\"Tariffs\"", "\"f\":{\"a\":[]},\"label\":\"Tariffs\"", 0},
        {"\"kind\":\"direct\"", "\"f\":[[]],\"kind\":\"direct\"", 0},
        {"\"speaker\":{\"actor\"", "\"speaker\":{\"f\":[1],\"actor\"", 0},
        {"\"tokens\":40", "\"f\":{},\"tokens\":40", 0},
        {"\"version\":", "\"f\":[],\"version\":", 0},
        {"\"mentions\":[{\"start\":", "\"mentions\":[{\"f\":[2],\"start\":", 0},
        {"\"salience\":0.31", "\"salience\":-2", 0},
        {"\"type\":\"person\"", "\"type\":\"a very long type name indeed\"", WT_EVALUE},
        {"\"published\":\"2021-09-10\"", "\"published\":\"10/09/2021\"", 0},
        {"\"published\":\"2021-09-10\"", "\"published\":null", 0},
        {"\"text\":\"Foreign", "\"text\":\"\",\"t\":\"Foreign", WT_EEMPTY},
        {"\"text\":\"Foreign", "\"txt\":\"Foreign", WT_EMISSING},
        {"\"meta\":{", "\"meta\":[{", WT_ESYNTAX},
        {"\"meta\":{", "\"meta\":\"x\",\"m\":{", WT_ETYPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *mut = replace(json, cases[i].from, cases[i].to);
        wt_buf_t mp;
        wt_buf_init(&mp);
        int r = wt_json_to_msgpack(mut, strlen(mut), &mp);
        wt_result_t res;
        char err[256] = "";
        if (r == 0) r = wt_result_decode_ex(mp.data, mp.size, NULL, &res, err, sizeof err);
        CHECK_MSG(r == cases[i].expect, "result case %zu (%s): got %s (%s), want %s", i,
                  cases[i].to, wt_errname(r), err, wt_errname(cases[i].expect));
        if (r == 0) wt_result_clear(&res);
        /* the JSON decoder says the same */
        int rj = wt_result_from_json(mut, strlen(mut), &res, err, sizeof err);
        CHECK_MSG(rj == r, "result case %zu via JSON: %s vs %s", i, wt_errname(rj), wt_errname(r));
        if (rj == 0) wt_result_clear(&res);
        free(mut);
        wt_buf_free(&mp);
    }

    /* byte patches that JSON cannot express */
    wt_buf_t mp;
    wt_buf_init(&mp);
    wt_result_encode(&base, &mp);
    struct {
        const char *from, *to;
        size_t n;
        int expect;
    } patches[] = {
        {"\xa4name",
         "\xa4"
         "code",
         5, WT_EDUPKEY},                           /* actor: two "code" */
        {"\xa2id", "\xcd\x00\x01", 3, WT_EBADKEY}, /* int key */
        {"\xa2id", "\xc4\x01x", 3, WT_EBADKEY},    /* bin key */
        {"\xa5start",
         "\xa5"
         "end\x00\x00",
         6, WT_EMISSING},                                  /* key "end\0\0": no start */
        {"\xa5known\xc3", "\xa5known\xc1", 7, WT_ESYNTAX}, /* reserved byte */
        {"\xa5known\xc3", "\xa5known\xa0", 7, WT_ETYPE},   /* known: "" */
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        wt_buf_t c;
        wt_buf_init(&c);
        wt_buf_append(&c, mp.data, mp.size);
        CHECK(patch(&c, patches[i].from, patches[i].to, patches[i].n));
        wt_result_t res;
        int r = wt_result_decode(c.data, c.size, NULL, &res);
        CHECK_MSG(r == patches[i].expect, "patch %zu: got %s want %s", i, wt_errname(r),
                  wt_errname(patches[i].expect));
        wt_buf_free(&c);
    }
    /* two unknown keys with the same name in an actor */
    {
        wt_buf_t c;
        wt_buf_init(&c);
        wt_buf_append(&c, mp.data, mp.size);
        CHECK(patch(&c, "\xa4role", "\xa4zzzz", 5) && patch(&c,
                                                            "\xa4"
                                                            "code",
                                                            "\xa4zzzz", 5));
        wt_result_t res;
        char err[256] = "";
        CHECK_EQ_INT(wt_result_decode_ex(c.data, c.size, NULL, &res, err, sizeof err), WT_EDUPKEY);
        CHECK(strstr(err, "actors[0].zzzz") != NULL);
        wt_buf_free(&c);
    }
    /* limits */
    wt_result_t res;
    CHECK_EQ_INT(wt_result_decode(mp.data, mp.size, &small_limits, &res), WT_ETOOBIG);
    wt_limits_t one = wt_limits_default;
    one.max_elements = 2; /* 3 actors */
    CHECK_EQ_INT(wt_result_decode(mp.data, mp.size, &one, &res), WT_ETOOBIG);
    one.max_elements = 3;
    CHECK_EQ_INT(wt_result_decode(mp.data, mp.size, &one, &res), 0);
    wt_result_clear(&res);
    /* non-map top level, huge count in actors */
    CHECK_EQ_INT(wt_result_decode((const uint8_t *)"\x90", 1, NULL, &res), WT_ETYPE);
    mp_t h;
    mp_init(&h);
    msgpack_pack_map(&h.pk, 2);
    mp_str(&h, "text"), mp_str(&h, "x");
    mp_str(&h, "actors"), mp_raw(&h, "\xdd\x7f\xff\xff\xff", 5);
    CHECK_EQ_INT(wt_result_decode(h.b.data, h.b.size, NULL, &res), WT_ECOUNT);
    wt_buf_free(&h.b);
    wt_buf_free(&mp);
    wt_buf_free(&js);
    wt_result_clear(&base);
}

/* The schema (lib/format/schema.c) is the ARCHITECTURE.md contract: its
   tables hold the contract's keys in wire order, their precomputed keys
   match the names, and the two encodings written from it agree. */
static void s_schema_names(const wt_schema_t *s, const char *want)
{
    char got[512] = "";
    for (int i = 0; i < s->count; i++) {
        const wt_field_t *f = &s->fields[i];
        char jkey[24];
        snprintf(jkey, sizeof jkey, ",\"%s\":", f->name);
        CHECK_MSG(f->len == strlen(f->name) && f->len < sizeof f->name, "%s", f->name);
        CHECK_MSG(strcmp(f->jkey, jkey) == 0, "%s", f->name);
        CHECK_MSG(wt_schema_find(s, (const uint8_t *)f->name, f->len) == i, "%s", f->name);
        CHECK_MSG((f->sub != NULL) ==
                      (f->type == WT_FT_ARRAY || f->type == WT_FT_OBJ || f->type == WT_FT_OBJ_OPT),
                  "%s", f->name);
        if (f->type == WT_FT_ARRAY) CHECK_MSG(f->sub->size > 0, "%s", f->name);
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", f->name);
    }
    CHECK_MSG(strcmp(got, want) == 0, "%s != %s", got, want);
    CHECK(s->slice < 0 || s->fields[s->slice].type == WT_FT_SLICE);
}

static void test_schema(void)
{
    s_schema_names(&wt_schema_result, "id seq source url title published lang text actors issues "
                                      "quotes stats annotator meta");
    s_schema_names(&wt_schema_actor,
                   "id name type country code role wikidata known salience mentions");
    s_schema_names(&wt_schema_issue, "id label topic score mentions");
    s_schema_names(&wt_schema_quote, "text start end kind cue speaker");
    s_schema_names(&wt_schema_speaker, "actor text start end");
    s_schema_names(&wt_schema_mention, "start end text");
    s_schema_names(&wt_schema_stats, "bytes tokens sentences elapsed_us");
    s_schema_names(&wt_schema_annotator, "version dictionaries");
    CHECK(wt_schema_find(&wt_schema_result, (const uint8_t *)"ids", 3) < 0);
    CHECK(wt_schema_find(&wt_schema_result, (const uint8_t *)"", 0) < 0);
    /* MessagePack written from the schema, turned into JSON, is the JSON
       written from the schema, byte for byte */
    for (int variant = 0; variant < 3; variant++) {
        wt_result_t res;
        make_result(&res, variant);
        wt_buf_t mp, a, b;
        wt_buf_init(&mp), wt_buf_init(&a), wt_buf_init(&b);
        wt_result_encode(&res, &mp);
        CHECK_EQ_INT(wt_msgpack_to_json(mp.data, mp.size, &a), 0);
        wt_result_to_json(&res, false, &b);
        CHECK_MSG(a.size == b.size && memcmp(a.data, b.data, a.size) == 0, "variant %d", variant);
        wt_buf_free(&mp), wt_buf_free(&a), wt_buf_free(&b);
        wt_result_clear(&res);
    }
}

int main(void)
{
    test_check();
    test_item_shapes();
    test_item_table();
    test_roundtrip();
    test_result_hostile();
    test_schema();
    TEST_END();
}

/*  test_json.c: JSON input items, JSON output of annotated items, the
    JSON <-> MessagePack conversions. Round trips JSON -> struct -> msgpack ->
    struct -> JSON byte-identical, field names and order of the output,
    escaping and numbers, and hostile input for each JSON decoder with the
    exact error code. Texts are sentences we wrote for the tests. */
#include "jansson_ref.h"
#include "testutil.h"
#include "wiretag/json.h"
#include "wiretag/utf8.h"

#include <jansson.h>
#include <math.h>

static const wt_limits_t small_limits = {
    .max_text = 16, .max_field = 4096, .max_meta = 64, .max_elements = 100};

/* ------------------------------------------------------------------ */
/* Input items */

static void test_item_ok(void)
{
    static const struct {
        const char *json;
        const char *id, *title, *published, *text, *meta_json;
    } cases[] = {
        {"{\"text\":\"Rain fell.\"}", NULL, NULL, NULL, "Rain fell.", NULL},
        {" \n{\"id\":\"a1\",\"text\":\"Rain fell.\",\"published\":\"2021-09-10\"}\n ", "a1", NULL,
         "2021-09-10", "Rain fell.", NULL},
        {"{\"id\":\"a2\",\"title\":\"T\\u00edtulo \\\"x\\\"\",\"text\":\"Caf\\u00e9 \\ud83d\\ude00 "
         "\\n\",\"published\":\"2021-09-10T23:59:59+02:00\"}",
         "a2", "T\xc3\xadtulo \"x\"", "2021-09-10T21:59:59Z", "Caf\xc3\xa9 \xf0\x9f\x98\x80 \n",
         NULL},
        {"{\"id\":\"a3\",\"text\":\"x\",\"title\":null,\"url\":null,\"lang\":null,\"meta\":null,"
         "\"published\":null}",
         "a3", NULL, NULL, "x", NULL},
        {"{\"id\":\"a4\",\"text\":\"x\",\"meta\":{\"feed\":\"wire\",\"n\":[1,-2,2.5,true,null,{}]}"
         "}",
         "a4", NULL, NULL, "x", "{\"feed\":\"wire\",\"n\":[1,-2,2.5,true,null,{}]}"},
        /* unknown keys are ignored, whatever their value */
        {"{\"id\":\"a5\",\"text\":\"x\",\"future\":[1,{\"a\":[]}],\"score\":1e5}", "a5", NULL, NULL,
         "x", NULL},
        /* brackets inside strings are not nesting */
        {"{\"id\":\"a6\",\"text\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{\\\\\"}", "a6",
         NULL, NULL, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{\\", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wt_item_t it;
        char err[256] = "";
        int r = wt_item_from_json(cases[i].json, strlen(cases[i].json), NULL, &it, err, sizeof err);
        CHECK_MSG(r == 0, "ok case %zu: %s", i, err);
        if (r) continue;
        if (cases[i].id)
            CHECK_EQ_STR(it.id, cases[i].id);
        else
            CHECK(it.id && it.id[0] == 'h'); /* generated */
        CHECK(cases[i].title ? (it.title && !strcmp(it.title, cases[i].title)) : !it.title);
        CHECK(cases[i].published ? (it.published && !strcmp(it.published, cases[i].published))
                                 : !it.published);
        CHECK_EQ_STR(it.text, cases[i].text);
        CHECK_EQ_INT(it.text_len, strlen(cases[i].text));
        if (cases[i].meta_json) {
            wt_buf_t b;
            wt_buf_init(&b);
            CHECK_EQ_INT(wt_msgpack_to_json(it.meta, it.meta_len, &b), 0);
            CHECK(b.size == strlen(cases[i].meta_json) &&
                  !memcmp(b.data, cases[i].meta_json, b.size));
            wt_buf_free(&b);
        } else {
            CHECK(it.meta == NULL && it.meta_len == 0);
        }
        wt_item_clear(&it);
    }
}

/* n levels of [ ] inside meta: the item object is level 1, meta level 2. */
#define S_APPEND(b, lit) wt_buf_append((b), (lit), sizeof(lit) - 1)

static char *nested_meta(int levels)
{
    size_t cap = 64 + 2 * (size_t)levels;
    char *s = malloc(cap);
    strcpy(s, "{\"text\":\"x\",\"meta\":{\"k\":");
    for (int i = 0; i < levels - 1; i++)
        strcat(s, "[");
    for (int i = 0; i < levels - 1; i++)
        strcat(s, "]");
    strcat(s, "}}");
    return s;
}

static void test_item_hostile(void)
{
    static const struct {
        const char *json;
        size_t n; /* 0: strlen */
        int expect;
        const char *reason; /* substring of the error text */
    } cases[] = {
        {"{}", 0, WT_EMISSING, "text"},
        {"{\"id\":\"a\"}", 0, WT_EMISSING, "text"},
        {"{\"text\":\"\"}", 0, WT_EEMPTY, "text"},
        {"{\"text\":5}", 0, WT_ETYPE, "text"},
        {"{\"text\":null}", 0, WT_ETYPE, "text"},
        {"{\"text\":[\"a\"]}", 0, WT_ETYPE, "text"},
        {"{\"text\":{\"a\":1}}", 0, WT_ETYPE, "text"},
        {"{\"text\":true}", 0, WT_ETYPE, "text"},
        {"[{\"text\":\"a\"}]", 0, WT_ETYPE, NULL},
        {"\"text\"", 0, WT_ETYPE, NULL},
        {"42", 0, WT_ETYPE, NULL},
        {"{\"text\":\"a\",\"id\":7}", 0, WT_ETYPE, "id"},
        {"{\"text\":\"a\",\"id\":\"\"}", 0, WT_EEMPTY, "id"},
        {"{\"text\":\"a\",\"title\":1.5}", 0, WT_ETYPE, "title"},
        {"{\"text\":\"a\",\"source\":[]}", 0, WT_ETYPE, "source"},
        {"{\"text\":\"a\",\"url\":false}", 0, WT_ETYPE, "url"},
        {"{\"text\":\"a\",\"lang\":{}}", 0, WT_ETYPE, "lang"},
        /* an unreadable date does not refuse the item (published null, flagged) */
        {"{\"text\":\"a\",\"published\":20210910}", 0, 0, NULL},
        {"{\"text\":\"a\",\"published\":\"yesterday\"}", 0, 0, NULL},
        {"{\"text\":\"a\",\"published\":\"2021-00-10\"}", 0, 0, NULL},
        {"{\"text\":\"a\",\"published\":\"2021/09/10\"}", 0, 0, NULL},
        {"{\"text\":\"a\",\"published\":\"\"}", 0, 0, NULL},
        {"{\"text\":\"a\",\"meta\":\"x\"}", 0, WT_ETYPE, "meta"},
        {"{\"text\":\"a\",\"meta\":[1]}", 0, WT_ETYPE, "meta"},
        {"{\"text\":\"a\",\"meta\":{\"n\":123456789012345678901234}}", 0, WT_EVALUE, NULL},
        {"{\"text\":\"a\",\"meta\":{\"n\":1e999}}", 0, WT_EVALUE, NULL},
        /* NUL */
        {"{\"text\":\"a\\u0000b\"}", 0, WT_ENUL, NULL},
        {"{\"text\":\"ab\",\"meta\":{\"\\u0000\":1}}", 0, WT_ENUL, NULL},
        {"{\"text\":\"a\0b\"}", 14, WT_ENUL, NULL},
        {"{\"text\":\"ab\"}\0", 14, WT_ENUL, NULL},
        /* invalid UTF-8 */
        {"{\"text\":\"a\xc0\xaf\"}", 0, WT_EUTF8, NULL},         /* overlong '/' */
        {"{\"text\":\"a\xe0\x80\xaf\"}", 0, WT_EUTF8, NULL},     /* overlong, 3 bytes */
        {"{\"text\":\"a\xed\xa0\x80\"}", 0, WT_EUTF8, NULL},     /* surrogate D800 */
        {"{\"text\":\"a\xe2\x82\"}", 0, WT_EUTF8, NULL},         /* truncated sequence */
        {"{\"text\":\"a\xf4\x90\x80\x80\"}", 0, WT_EUTF8, NULL}, /* above U+10FFFF */
        {"{\"text\":\"a\xff\"}", 0, WT_EUTF8, NULL},
        {"{\"text\":\"a\\ud800\"}", 0, WT_EUTF8, NULL}, /* lone surrogate escape */
        {"{\"text\":\"a\\udc00\\ud800\"}", 0, WT_EUTF8, NULL},
        {"{\"text\":\"a\",\"t\xc3\x28\":1}", 0, WT_EUTF8, NULL}, /* bad key */
        /* duplicates */
        {"{\"text\":\"a\",\"text\":\"b\"}", 0, WT_EDUPKEY, NULL},
        {"{\"text\":\"a\",\"id\":\"x\",\"id\":\"y\"}", 0, WT_EDUPKEY, NULL},
        {"{\"text\":\"a\",\"meta\":{\"k\":1,\"k\":2}}", 0, WT_EDUPKEY, NULL},
        {"{\"text\":\"a\",\"future\":{\"k\":1,\"k\":2}}", 0, WT_EDUPKEY, NULL},
        /* trailing, truncated, syntax */
        {"{\"text\":\"a\"} x", 0, WT_ETRAILING, "line 1"},
        {"{\"text\":\"a\"}{\"text\":\"b\"}", 0, WT_ETRAILING, NULL},
        {"{\"text\":\"a\"", 0, WT_ETRUNCATED, "line 1"},
        {"{\"text\":\"a", 0, WT_ETRUNCATED, NULL},
        {"", 0, WT_ETRUNCATED, NULL},
        {"   ", 0, WT_ETRUNCATED, NULL},
        {"{\"text\":'a'}", 0, WT_ESYNTAX, "column"},
        {"{text:\"a\"}", 0, WT_ESYNTAX, NULL},
        {"{\"text\":\"a\",}", 0, WT_ESYNTAX, NULL},
        {"{\"text\":\"a\tb\"}", 0, WT_ESYNTAX, NULL}, /* raw control character */
        {"{\"text\":\"a\",\"n\":NaN}", 0, WT_ESYNTAX, NULL},
        {"{\"text\":\"a\",\"n\":01}", 0, WT_ESYNTAX, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].json);
        wt_item_t it;
        char err[256] = "";
        int r = wt_item_from_json(cases[i].json, n, NULL, &it, err, sizeof err);
        CHECK_MSG(r == cases[i].expect, "hostile %zu (%s): got %s (%s), want %s", i, cases[i].json,
                  wt_errname(r), err, wt_errname(cases[i].expect));
        if (r == 0)
            wt_item_clear(&it);
        else
            CHECK(it.text == NULL && it.id == NULL);
        if (cases[i].reason)
            CHECK_MSG(strstr(err, cases[i].reason) != NULL, "hostile %zu: reason \"%s\" lacks %s",
                      i, err, cases[i].reason);
        CHECK(r == 0 || err[0] != 0);
    }

    /* depth: 32 levels in all pass, 33 do not */
    for (int levels = 30; levels <= 34; levels++) {
        char *js = nested_meta(levels - 1); /* the item object is one more level */
        wt_item_t it;
        int r = wt_item_from_json(js, strlen(js), NULL, &it, NULL, 0);
        CHECK_MSG(r == (levels <= 32 ? 0 : WT_EDEPTH), "depth %d: %s", levels, wt_errname(r));
        if (r == 0) wt_item_clear(&it);
        free(js);
    }
    /* a deep document is refused before jansson recurses into it */
    size_t deep = 100000;
    char *js = malloc(deep * 2 + 1);
    memset(js, '[', deep);
    memset(js + deep, ']', deep);
    js[2 * deep] = 0;
    wt_item_t it;
    CHECK_EQ_INT(wt_item_from_json(js, 2 * deep, NULL, &it, NULL, 0), WT_EDEPTH);
    free(js);

    /* the depth pre-scan skips strings to their closing quote: brackets in
       a string (after an escaped quote, a run of backslashes) are text, and
       a string ending in an even run of backslashes is closed */
    wt_buf_t jb;
    wt_buf_init(&jb);
    S_APPEND(&jb, "{\"text\":\"a\\\\\\\"");
    for (int k = 0; k < 40; k++)
        wt_buf_append(&jb, "[{", 2);
    S_APPEND(&jb, "\\\\\"}");
    char err2[256] = "";
    CHECK_EQ_INT(wt_item_from_json((char *)jb.data, jb.size, NULL, &it, err2, sizeof err2), 0);
    CHECK(it.text && it.text_len == 2 + 1 + 80 + 1 && memcmp(it.text, "a\\\"[{", 5) == 0 &&
          it.text[it.text_len - 1] == '\\');
    wt_item_clear(&it);
    for (int levels = 32; levels <= 33; levels++) {
        char *nm = nested_meta(levels - 1);
        wt_buf_reset(&jb);
        S_APPEND(&jb, "{\"id\":\"x\\\\\",");
        wt_buf_append(&jb, nm + 1, strlen(nm) - 1);
        int r = wt_item_from_json((char *)jb.data, jb.size, NULL, &it, err2, sizeof err2);
        CHECK_MSG(r == (levels <= 32 ? 0 : WT_EDEPTH), "after \\\\: depth %d: %s", levels,
                  wt_errname(r));
        if (r == 0) wt_item_clear(&it);
        free(nm);
    }
    wt_buf_free(&jb);

    /* limits */
    const char *big = "{\"text\":\"seventeen bytes..\"}";
    CHECK_EQ_INT(wt_item_from_json(big, strlen(big), &small_limits, &it, NULL, 0), WT_ETOOBIG);
    const char *fits = "{\"text\":\"sixteen bytes...\"}";
    CHECK_EQ_INT(wt_item_from_json(fits, strlen(fits), &small_limits, &it, NULL, 0), 0);
    wt_item_clear(&it);
    const char *bigmeta =
        "{\"text\":\"a\",\"meta\":{\"k\":\"0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789\"}}";
    CHECK_EQ_INT(wt_item_from_json(bigmeta, strlen(bigmeta), &small_limits, &it, NULL, 0),
                 WT_ETOOBIG);
    /* a line far beyond any limit is refused before parsing */
    size_t huge = 8 * 1024 * 1024;
    char *hs = malloc(huge);
    memset(hs, ' ', huge);
    CHECK_EQ_INT(wt_item_from_json(hs, huge, &small_limits, &it, NULL, 0), WT_ETOOBIG);
    free(hs);
    /* 1 MiB text passes with the default limits, 1 MiB + 1 does not */
    size_t mib = 1024 * 1024;
    char *ts = malloc(mib + 32);
    strcpy(ts, "{\"text\":\"");
    memset(ts + 9, 'a', mib);
    strcpy(ts + 9 + mib, "\"}");
    CHECK_EQ_INT(wt_item_from_json(ts, strlen(ts), NULL, &it, NULL, 0), 0);
    wt_item_clear(&it);
    ts[9 + mib] = 'a';
    strcpy(ts + 10 + mib, "\"}");
    CHECK_EQ_INT(wt_item_from_json(ts, strlen(ts), NULL, &it, NULL, 0), WT_ETOOBIG);
    free(ts);

    /* truncated at every byte of a valid item */
    const char *full =
        "{\"id\":\"t1\",\"title\":\"Caf\xc3\xa9\",\"text\":\"The mayor said "
        "\\\"yes\\\".\",\"published\":\"2021-09-10\",\"meta\":{\"a\":[1,true,null]}}";
    size_t fl = strlen(full);
    CHECK_EQ_INT(wt_item_from_json(full, fl, NULL, &it, NULL, 0), 0);
    wt_item_clear(&it);
    for (size_t k = 0; k < fl; k++) {
        int r = wt_item_from_json(full, k, NULL, &it, NULL, 0);
        CHECK_MSG(r == WT_ETRUNCATED || r == WT_ESYNTAX || r == WT_EUTF8, "prefix %zu: %s", k,
                  wt_errname(r));
        /* the cut inside "é" is the only UTF-8 error */
        if (r == WT_EUTF8) CHECK(full[k - 1] == '\xc3');
    }
}

/* ------------------------------------------------------------------ */
/* Annotated items */

/* Hand-written annotated items in the exact output form (compact). */
static const char *const RESULTS[] = {
    "{\"id\":\"r0\",\"source\":null,\"url\":null,\"title\":null,\"published\":null,\"text\":\"Rain "
    "fell.\",\"actors\":[],\"issues\":[],\"quotes\":[],\"stats\":{\"bytes\":10,\"tokens\":3,"
    "\"sentences\":1,\"elapsed_us\":4},\"annotator\":{\"version\":\"0.1.0\",\"dictionaries\":null}"
    "}",

    "{\"id\":\"r1\",\"seq\":1042,\"source\":\"Test "
    "Wire\",\"url\":\"https://example.org/a?b=1&c=2\","
    "\"title\":\"Mayor \\\"wins\\\"\",\"published\":\"2021-09-10\",\"lang\":\"en\",\"text\":"
    "\"Mayor Lena Park said: \xe2\x80\x9cWe start today.\xe2\x80\x9d\\nCouncil members agreed.\","
    "\"actors\":[{\"id\":\"lena_park\",\"name\":\"Lena Park\",\"type\":\"person\",\"country\":"
    "\"KOR\",\"code\":\"KORGOV\",\"role\":\"Mayor\",\"wikidata\":null,\"known\":true,\"salience\":"
    "0.6666666666666666,\"mentions\":[{\"start\":6,\"end\":15,\"text\":\"Lena Park\"}]},{\"id\":"
    "\"u1\",\"name\":\"Council\",\"type\":\"organization\",\"country\":null,\"code\":null,\"role\":"
    "null,\"wikidata\":null,\"known\":false,\"salience\":0.1,\"mentions\":[{\"start\":44,\"end\":"
    "51,\"text\":\"Council\"}]}],\"issues\":[{\"id\":\"local_gov\",\"label\":\"Local "
    "government\",\"topic\":\"government_operations\",\"score\":1.0,\"mentions\":[]}],"
    "\"quotes\":[{\"text\":\"We start today.\",\"start\":25,\"end\":40,\"kind\":\"direct\",\"cue\":"
    "\"said\",\"speaker\":{\"actor\":\"lena_park\",\"text\":\"Lena Park\",\"start\":6,\"end\":15}},"
    "{\"text\":\"agreed\",\"start\":60,\"end\":66,\"kind\":\"indirect\",\"cue\":null,\"speaker\":"
    "null}],\"stats\":{\"bytes\":67,\"tokens\":14,\"sentences\":2,\"elapsed_us\":95},"
    "\"annotator\":{\"version\":\"0.1.0\",\"dictionaries\":\"actors@1\"},\"meta\":{\"desk\":"
    "\"local\",\"n\":[1,-2,2.5,1e-07,true,null,{}],\"s\":\"tab\\tquote\\\"\"}}",
};

static void test_result_roundtrip(void)
{
    for (size_t i = 0; i < sizeof RESULTS / sizeof RESULTS[0]; i++) {
        const char *js = RESULTS[i];
        wt_result_t a, b;
        char err[256] = "";
        int r = wt_result_from_json(js, strlen(js), &a, err, sizeof err);
        CHECK_MSG(r == 0, "result %zu: %s", i, err);
        if (r) continue;
        wt_buf_t mp, out, pretty;
        wt_buf_init(&mp), wt_buf_init(&out), wt_buf_init(&pretty);
        wt_result_encode(&a, &mp);
        r = wt_result_decode_ex(mp.data, mp.size, NULL, &b, err, sizeof err);
        CHECK_MSG(r == 0, "result %zu msgpack: %s", i, err);
        if (r == 0) {
            wt_result_to_json(&b, false, &out);
            CHECK_MSG(out.size == strlen(js) && !memcmp(out.data, js, out.size),
                      "result %zu not byte-identical:\n%.*s\n%s", i, (int)out.size, out.data, js);
            /* pretty output is the same document */
            wt_result_to_json(&b, true, &pretty);
            json_error_t e1, e2;
            json_t *x = json_loadb((const char *)pretty.data, pretty.size, 0, &e1);
            json_t *y = json_loads(js, 0, &e2);
            CHECK(x && y && json_equal(x, y));
            CHECK(memchr(pretty.data, '\n', pretty.size) != NULL);
            CHECK(memchr(out.data, '\n', out.size) == NULL);
            json_decref(x), json_decref(y);
            /* pretty parses back to the same compact bytes */
            wt_result_t c;
            CHECK_EQ_INT(
                wt_result_from_json((const char *)pretty.data, pretty.size, &c, err, sizeof err),
                0);
            wt_buf_reset(&out);
            wt_result_to_json(&c, false, &out);
            CHECK(out.size == strlen(js) && !memcmp(out.data, js, out.size));
            wt_result_clear(&c);
            wt_result_clear(&b);
        }
        wt_result_clear(&a);
        wt_buf_free(&mp), wt_buf_free(&out), wt_buf_free(&pretty);
    }
}

/* Field names and order of the output, from a struct built by hand. */
static void test_result_fields(void)
{
    wt_result_t res;
    memset(&res, 0, sizeof res);
    const char *text = "Ana said \"no\".";
    res.item.text = wt_strdup(text);
    res.item.text_len = strlen(text);
    res.item.id = wt_strdup("f1");
    res.has_seq = true;
    res.seq = 7;
    wt_actor_t *a = wt_result_add_actor(&res);
    a->id = wt_strdup("ana");
    a->name = wt_strdup("Ana");
    a->salience = 0.5;
    wt_actor_add_mention(a, 0, 3);
    wt_issue_t *is = wt_result_add_issue(&res);
    is->id = wt_strdup("x");
    is->label = wt_strdup("X");
    is->topic = wt_strdup("health");
    wt_quote_t *q = wt_result_add_quote(&res);
    q->span = (wt_span_t){10, 12};
    q->has_speaker = true;
    q->speaker_actor = wt_strdup("ana");
    q->speaker = (wt_span_t){0, 3};
    q->cue = wt_strdup("said");
    wt_buf_t out;
    wt_buf_init(&out);
    wt_result_to_json(&res, false, &out);
    wt_buf_append(&out, "", 1);
    const char *want =
        "{\"id\":\"f1\",\"seq\":7,\"source\":null,\"url\":null,\"title\":null,\"published\":null,"
        "\"text\":\"Ana said \\\"no\\\".\",\"actors\":[{\"id\":\"ana\",\"name\":\"Ana\",\"type\":"
        "\"person\",\"country\":null,\"code\":null,\"role\":null,\"wikidata\":null,\"known\":false,"
        "\"salience\":0.5,\"mentions\":[{\"start\":0,\"end\":3,\"text\":\"Ana\"}]}],\"issues\":[{"
        "\"id\":\"x\",\"label\":\"X\",\"topic\":\"health\",\"score\":0.0,\"mentions\":[]}],"
        "\"quotes\":[{\"text\":\"no\",\"start\":10,\"end\":12,\"kind\":\"direct\",\"cue\":\"said\","
        "\"speaker\":{\"actor\":\"ana\",\"text\":\"Ana\",\"start\":0,\"end\":3}}],\"stats\":{"
        "\"bytes\":0,\"tokens\":0,\"sentences\":0,\"elapsed_us\":0},\"annotator\":{\"version\":"
        "null,"
        "\"dictionaries\":null}}";
    CHECK_MSG(!strcmp((const char *)out.data, want), "\n%s\n%s", out.data, want);

    /* pretty form: two-space indent, "key": value */
    wt_buf_reset(&out);
    wt_result_to_json(&res, true, &out);
    wt_buf_append(&out, "", 1);
    CHECK(strncmp((const char *)out.data, "{\n  \"id\": \"f1\",\n  \"seq\": 7,\n", 28) == 0);
    CHECK(strstr((const char *)out.data, "\"issues\": [\n    {\n      \"id\": \"x\",") != NULL);
    CHECK(strstr((const char *)out.data, "\"mentions\": []") != NULL);

    /* escaping: control characters, quotes, backslash; invalid UTF-8 in a
       hand-built struct becomes U+FFFD so the output stays valid JSON */
    free(res.item.text);
    static const char raw[] = "a\x01\x1f\"\\\b\f\n\r\t/\x7f\xc3\xa9\xff\xe2\x82z";
    res.item.text = wt_strndup(raw, sizeof raw - 1);
    res.item.text_len = sizeof raw - 1;
    res.actors[0].mentions[0] = (wt_span_t){0, 1};
    res.quotes[0].span = (wt_span_t){0, 1};
    res.quotes[0].speaker = (wt_span_t){0, 1};
    wt_buf_reset(&out);
    wt_result_to_json(&res, false, &out);
    wt_buf_append(&out, "", 1);
    CHECK(strstr((const char *)out.data,
                 "\"text\":\"a\\u0001\\u001f\\\"\\\\\\b\\f\\n\\r\\t/\x7f\xc3\xa9\\ufffd\\ufffd"
                 "\\ufffdz\"") != NULL);
    json_error_t e;
    json_t *j = json_loads((const char *)out.data, 0, &e);
    CHECK_MSG(j != NULL, "escaped output not valid JSON: %s", e.text);
    json_decref(j);

    /* a span outside the text writes an empty slice, never reads outside */
    res.actors[0].mentions[0] = (wt_span_t){5, 500};
    wt_buf_reset(&out);
    wt_result_to_json(&res, false, &out);
    wt_buf_append(&out, "", 1);
    CHECK(strstr((const char *)out.data, "{\"start\":5,\"end\":500,\"text\":\"\"}") != NULL);
    wt_buf_free(&out);
    wt_result_clear(&res);
}

/* Doubles: shortest form that reads back exactly, always with '.' or 'e'. */
/* v as a MessagePack float 64 */
static void s_mp_double(double v, uint8_t b[9])
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    b[0] = 0xcb;
    for (int k = 0; k < 8; k++)
        b[1 + k] = (uint8_t)(bits >> (56 - 8 * k));
}

static void test_numbers(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.0, "0.0"},
        {1.0, "1.0"},
        {0.1, "0.1"},
        {0.31, "0.31"},
        {1e-7, "1e-07"},
        {1.0 / 3.0, "0.3333333333333333"},
        {0.1 + 0.2, "0.30000000000000004"},
        {-2.5, "-2.5"},
        {1e300, "1e+300"},
        {123456789.0, "123456789.0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* through the meta path: msgpack double -> JSON */
        wt_buf_t mp, out;
        wt_buf_init(&mp), wt_buf_init(&out);
        uint8_t b[9];
        s_mp_double(cases[i].v, b);
        CHECK_EQ_INT(wt_msgpack_to_json(b, 9, &out), 0);
        wt_buf_append(&out, "", 1);
        CHECK_MSG(!strcmp((const char *)out.data, cases[i].want), "%s != %s", out.data,
                  cases[i].want);
        /* and back */
        wt_buf_reset(&mp);
        CHECK_EQ_INT(wt_json_to_msgpack((const char *)out.data, out.size - 1, &mp), 0);
        CHECK(mp.size == 9 && !memcmp(mp.data, b, 9));
        wt_buf_free(&mp), wt_buf_free(&out);
    }
}

static void test_result_hostile(void)
{
    static const struct {
        const char *json;
        int expect;
    } cases[] = {
        {"[]", WT_ETYPE},
        {"{}", WT_EMISSING},
        {"{\"id\":\"a\",\"text\":\"x\"}", WT_EMISSING},
        {"{\"id\":\"a\",\"text\":\"x\",\"actors\":[],\"issues\":[],\"quotes\":[],\"stats\":{"
         "\"bytes\":"
         "1,\"tokens\":1,\"sentences\":1,\"elapsed_us\":1},\"annotator\":{\"version\":null,"
         "\"dictionaries\":null}}",
         0},
        {"{\"id\":\"a\",\"text\":\"x\",\"actors\":[],\"issues\":[],\"quotes\":[],\"stats\":{"
         "\"bytes\":"
         "1,\"tokens\":1,\"sentences\":1,\"elapsed_us\":1},\"annotator\":{\"version\":null,"
         "\"dictionaries\":null}} ",
         0},
        {"{\"id\":\"a\",\"text\":\"x\",\"actors\":[],\"issues\":[],\"quotes\":[],\"stats\":{"
         "\"bytes\":"
         "1,\"tokens\":1,\"sentences\":1,\"elapsed_us\":1},\"annotator\":{\"version\":null,"
         "\"dictionaries\":null}}]",
         WT_ETRAILING},
        {"{\"id\":\"a\",\"text\":\"x\",\"actors\":[{\"id\":\"b\"}],\"issues\":[],\"quotes\":[],"
         "\"stats\":{\"bytes\":1,\"tokens\":1,\"sentences\":1,\"elapsed_us\":1},\"annotator\":{"
         "\"version\":null,\"dictionaries\":null}}",
         WT_EMISSING},
        {"{\"id\":\"a\",\"text\":\"x\",\"quotes\":[{\"text\":\"y\",\"start\":0,\"end\":1,\"kind\":"
         "\"direct\",\"cue\":null,\"speaker\":null}],\"actors\":[],\"issues\":[],"
         "\"stats\":{\"bytes\":1,\"tokens\":1,\"sentences\":1,\"elapsed_us\":1},\"annotator\":{"
         "\"version\":null,\"dictionaries\":null}}",
         WT_EVALUE},
        {"{\"id\":\"a\",\"text\":\"x\xed\xbf\xbf\"}", WT_EUTF8},
        {"{\"id\":\"a\",\"id\":\"b\"}", WT_EDUPKEY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wt_result_t res;
        char err[256] = "";
        int r = wt_result_from_json(cases[i].json, strlen(cases[i].json), &res, err, sizeof err);
        CHECK_MSG(r == cases[i].expect, "result hostile %zu: got %s (%s), want %s", i,
                  wt_errname(r), err, wt_errname(cases[i].expect));
        if (r == 0) wt_result_clear(&res);
    }
}

/* ------------------------------------------------------------------ */
/* JSON <-> MessagePack */

static void test_convert(void)
{
    static const char *const ok[] = {
        "null",
        "true",
        "false",
        "0",
        "-1",
        "127",
        "128",
        "-33",
        "65536",
        "9223372036854775807",
        "-9223372036854775808",
        "2.5",
        "\"\"",
        "\"caf\xc3\xa9\"",
        "[]",
        "{}",
        "[1,[2,[3,{\"a\":{\"b\":[]}}]]]",
        "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
        "{\"z\":1,\"a\":2,\"m\":3}", /* insertion order kept */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        wt_buf_t mp, js;
        wt_buf_init(&mp), wt_buf_init(&js);
        CHECK_EQ_INT(wt_json_to_msgpack(ok[i], strlen(ok[i]), &mp), 0);
        CHECK_EQ_INT(wt_msgpack_check(mp.data, mp.size, WT_MAX_DEPTH), 0);
        CHECK_EQ_INT(wt_msgpack_to_json(mp.data, mp.size, &js), 0);
        CHECK_MSG(js.size == strlen(ok[i]) && !memcmp(js.data, ok[i], js.size), "%s -> %.*s", ok[i],
                  (int)js.size, js.data);
        wt_buf_free(&mp), wt_buf_free(&js);
    }
    /* MessagePack that JSON cannot hold, or that is broken */
    static const struct {
        const char *bytes;
        size_t n;
        int expect;
    } bad[] = {
        {"\xc4\x01x", 3, WT_ETYPE},                             /* bin */
        {"\xd4\x01\x02", 3, WT_ETYPE},                          /* fixext */
        {"\x81\x01\x02", 3, WT_EBADKEY},                        /* int key */
        {"\x81\xc0\x02", 3, WT_EBADKEY},                        /* nil key */
        {"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00", 9, WT_EVALUE}, /* NaN */
        {"\xca\x7f\x80\x00\x00", 5, WT_EVALUE},                 /* +inf float32 */
        {"\xa3"
         "a\x00"
         "b",
         4, WT_ENUL},
        {"\xa2\xc0\xaf", 3, WT_EUTF8},
        {"\x81\xa2\xed\xa0\x01", 5, WT_EUTF8}, /* bad key */
        {"\x92\x01", 2, WT_ECOUNT},
        {"\xa5"
         "abc",
         4, WT_ETRUNCATED},
        {"\x01\x02", 2, WT_ETRAILING},
        {"\xc1", 1, WT_ESYNTAX},
        {"\xdd\xff\xff\xff\xff", 5, WT_ECOUNT},
        {"", 0, WT_ETRUNCATED},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wt_buf_t js;
        wt_buf_init(&js);
        wt_buf_append(&js, "keep", 4);
        int r = wt_msgpack_to_json((const uint8_t *)bad[i].bytes, bad[i].n, &js);
        CHECK_MSG(r == bad[i].expect, "to_json %zu: got %s want %s", i, wt_errname(r),
                  wt_errname(bad[i].expect));
        CHECK(js.size == 4); /* nothing appended on failure */
        wt_buf_free(&js);
    }
    /* the longer MessagePack forms, and a 4-byte character */
    static const struct {
        const char *bytes;
        size_t n;
        const char *json;
    } forms[] = {
        {"\xd9\x03"
         "abc",
         5, "\"abc\""},
        {"\xdb\x00\x00\x00\x01"
         "a",
         6, "\"a\""},
        {"\xdc\x00\x01\x01", 4, "[1]"},
        {"\xdd\x00\x00\x00\x02\xc2\xc3", 7, "[false,true]"},
        {"\xde\x00\x01\xd9\x01k\x02", 7, "{\"k\":2}"},
        {"\xdf\x00\x00\x00\x01\xa1k\xd0\xfe", 9, "{\"k\":-2}"},
        {"\xd1\x01\x00", 3, "256"},
        {"\xa4\xf0\x9f\x98\x80", 5, "\"\xf0\x9f\x98\x80\""},
        {"\xca\x3f\xc0\x00\x00", 5, "1.5"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        wt_buf_t out;
        wt_buf_init(&out);
        CHECK_EQ_INT(wt_msgpack_to_json((const uint8_t *)forms[i].bytes, forms[i].n, &out), 0);
        CHECK_MSG(out.size == strlen(forms[i].json) && !memcmp(out.data, forms[i].json, out.size),
                  "form %zu: %.*s", i, (int)out.size, out.data);
        wt_buf_free(&out);
    }
    /* uint64 above int64 is written (JSON has no limit) but not read back */
    wt_buf_t js;
    wt_buf_init(&js);
    CHECK_EQ_INT(
        wt_msgpack_to_json((const uint8_t *)"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9, &js), 0);
    CHECK(js.size == 20 && !memcmp(js.data, "18446744073709551615", 20));
    wt_buf_t mp;
    wt_buf_init(&mp);
    CHECK_EQ_INT(wt_json_to_msgpack((const char *)js.data, js.size, &mp), WT_EVALUE);
    CHECK_EQ_INT(mp.size, 0);
    wt_buf_free(&js), wt_buf_free(&mp);
    /* depth 32 vs 33 in both directions */
    for (int d = 31; d <= 34; d++) {
        char s[80] = "";
        for (int i = 0; i < d; i++)
            strcat(s, "[");
        for (int i = 0; i < d; i++)
            strcat(s, "]");
        wt_buf_init(&mp);
        CHECK_EQ_INT(wt_json_to_msgpack(s, strlen(s), &mp), d <= 32 ? 0 : WT_EDEPTH);
        wt_buf_free(&mp);
        wt_buf_init(&mp);
        for (int i = 0; i < d; i++)
            wt_buf_append(&mp, i + 1 < d ? "\x91" : "\x90", 1);
        wt_buf_init(&js);
        CHECK_EQ_INT(wt_msgpack_to_json(mp.data, mp.size, &js), d <= 32 ? 0 : WT_EDEPTH);
        wt_buf_free(&mp), wt_buf_free(&js);
    }
}

/* The writers count their room before each piece they copy: every output,
   appended to a buffer whose capacity ends anywhere inside it, is the same
   bytes (under ASan, a piece written past the capacity fails here). */
static void test_result_buffer_edges(void)
{
    for (size_t i = 0; i < sizeof RESULTS / sizeof RESULTS[0]; i++) {
        wt_result_t res;
        char err[256] = "";
        if (wt_result_from_json(RESULTS[i], strlen(RESULTS[i]), &res, err, sizeof err)) continue;
        for (int pretty = 0; pretty < 2; pretty++) {
            wt_buf_t ref;
            wt_buf_init(&ref);
            wt_result_to_json(&res, pretty, &ref);
            for (size_t cap = 1; cap <= ref.size + 8; cap++) {
                wt_buf_t b = {wt_malloc(cap), 0, cap};
                wt_result_to_json(&res, pretty, &b);
                CHECK_MSG(b.size == ref.size && memcmp(b.data, ref.data, b.size) == 0,
                          "result %zu pretty %d cap %zu", i, pretty, cap);
                wt_buf_free(&b);
            }
            wt_buf_free(&ref);
        }
        wt_result_clear(&res);
    }
}

/* The writer's doubles against printf itself: the shortest of %.15g,
   %.16g, %.17g that reads back, ".0" added to integral values; random bit
   patterns of every exponent and ratios of small integers (the engine's
   salience values look like those). */
static void s_ref_double(double v, char *out, size_t cap)
{
    int len = 0;
    for (int prec = 15; prec <= 17; prec++) {
        len = snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v) break;
    }
    if (!strpbrk(out, ".eEn")) snprintf(out + len, cap - (size_t)len, ".0");
}

static void test_numbers_random(void)
{
    uint64_t st = 0x9E3779B97F4A7C15ULL;
    wt_buf_t out;
    wt_buf_init(&out);
    int bad = 0;
    for (int i = 0; i < 300000 && bad < 5; i++) {
        st ^= st << 13, st ^= st >> 7, st ^= st << 17;
        double v;
        if (i % 2) {
            memcpy(&v, &st, 8);
            if (!isfinite(v)) continue; /* refused on the meta path */
        } else if (i % 3) {
            v = (double)(st % 1000) / (double)(1 + (st >> 20) % 997);
            if (i % 4 == 0) v = -v * 1e-3;
        } else {
            /* every decade of the writer's exact 17-digit path (1e-5 to
               1e15) and its edges, with random mantissas */
            v = ldexp((double)(st >> 11), -53) * pow(10.0, (double)((int)(st % 23) - 6));
            if (i % 5 == 0) v = nextafter(pow(10.0, (double)((int)(st % 23) - 6)), 0);
            if (i % 7 == 0) v = -v;
        }
        uint8_t b[9];
        s_mp_double(v, b);
        wt_buf_reset(&out);
        CHECK_EQ_INT(wt_msgpack_to_json(b, 9, &out), 0);
        wt_buf_append(&out, "", 1);
        char want[64];
        s_ref_double(v, want, sizeof want);
        if (strcmp((const char *)out.data, want) != 0) {
            CHECK_MSG(0, "%a: %s != %s", v, (const char *)out.data, want);
            bad++;
        }
    }
    wt_buf_free(&out);
}

/* ------------------------------------------------------------------ */
/* The SAX reader (yajl) against jansson's tree packed by msgpack-c, the
   reader it replaced: the same MessagePack bytes (container headers in
   their shortest form once the count is known), and the checks yajl does
   not do itself, with the place and the wording of each error. */

/* JSON of a container of n elements ("[0,1,...]" or {"k0":0,...}) nested
   inside another container of n + 1 elements. */
static void s_sized(wt_buf_t *b, size_t n, bool map)
{
    char tmp[32];
    S_APPEND(b, "{\"outer\":");
    wt_buf_append(b, map ? "{" : "[", 1);
    for (size_t i = 0; i < n; i++) {
        int l = map ? snprintf(tmp, sizeof tmp, "%s\"k%zu\":%zu", i ? "," : "", i, i)
                    : snprintf(tmp, sizeof tmp, "%s%zu", i ? "," : "", i);
        wt_buf_append(b, tmp, (size_t)l);
    }
    wt_buf_append(b, map ? "}" : "]", 1);
    for (size_t i = 0; i < n; i++) {
        int l = snprintf(tmp, sizeof tmp, ",\"x%zu\":[]", i);
        wt_buf_append(b, tmp, (size_t)l);
    }
    wt_buf_append(b, "}", 1);
}

static void s_same_as_jansson(const char *js, size_t n)
{
    json_error_t e;
    json_t *j = json_loadb(js, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    CHECK_MSG(j != NULL, "jansson refuses %.40s: %s", js, e.text);
    if (!j) return;
    wt_buf_t ref, mp;
    wt_buf_init(&ref), wt_buf_init(&mp);
    wt_buf_append(&mp, "keep", 4); /* appended after what is there */
    wt_jansson_ref_msgpack(j, &ref);
    json_decref(j);
    CHECK_EQ_INT(wt_json_to_msgpack(js, n, &mp), 0);
    CHECK_MSG(mp.size == ref.size + 4 && !memcmp(mp.data + 4, ref.data, ref.size),
              "MessagePack of %.40s... differs (%zu bytes, jansson %zu)", js, mp.size - 4,
              ref.size);
    wt_buf_free(&ref), wt_buf_free(&mp);
}

static void test_sax_reader(void)
{
    static const char *docs[] = {
        "{\"text\":\"Rain fell on the \\\"old\\\" town.\\nThen it stopped.\",\"id\":\"a\"}",
        "{\"a\":[1,-1,0,-0,127,128,-32,-33,255,256,65535,65536,4294967296,-4294967297],"
        "\"b\":[0.5,-0.0,1e300,1e-320,1E2,2.5e-3],\"c\":[true,false,null,\"\",{}],\"d\":{}}",
        "{\"k\":\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\r\\t\\\\\",\"\\u00e9\":1}",
        "[9223372036854775807,-9223372036854775808,1e-400]",
        "\"top\"",
        "[[[[{\"a\":[[{}]]}]]]]",
        " \t\r\n{ \"a\" : [ 1 , 2 ] } \n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        s_same_as_jansson(docs[i], strlen(docs[i]));
    /* header forms: fix (< 16), 16-bit (< 65536), 32-bit */
    static const size_t sizes[] = {0, 1, 15, 16, 17, 255, 256, 65535, 65536, 70000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int map = 0; map < 2; map++) {
            wt_buf_t b;
            wt_buf_init(&b);
            s_sized(&b, sizes[i], map);
            s_same_as_jansson((const char *)b.data, b.size);
            wt_buf_free(&b);
        }

    /* what yajl lets through, refused with code, place and wording */
    static const struct {
        const char *json;
        int expect;
        const char *reason;
    } bad[] = {
        {"{\"k\":\"a\\ud800\"}", WT_EUTF8, "line 1 column 8: invalid Unicode '\\ud800'"},
        {"{\"k\":\"a\\udc00\"}", WT_EUTF8, "column 8: invalid Unicode '\\udc00'"},
        {"{\"k\":\"\\uD800\\u0041\"}", WT_EUTF8, "invalid Unicode '\\uD800'"},
        {"{\"k\":\"\\ud800\\\\udc00\"}", WT_EUTF8, "lone UTF-16 surrogate"},
        {"{\"k\":\"\\\\\\\"\\u0000\"}", WT_ENUL, "column 11: \\u0000"},
        {"{\"k\":\"\\\\u0000\"}", 0, NULL}, /* an escaped backslash, then text */
        {"{\"k\":\"a\xc0\xaf\"}", WT_EUTF8, "column 8: invalid UTF-8 (byte 0xc0)"},
        {"{\"k\":\"\\n\xed\xa0\x80\"}", WT_EUTF8, "byte 0xed"},
        {"{\"k\":{\"\xf4\x90\x80\x80\":1}}", WT_EUTF8, "byte 0xf4"},
        {"{\"k\":1,\n\"k\":2}", WT_EDUPKEY, "line 2 column 2: duplicate key \"k\""},
        {"{\"a\":{\"k\":1},\"b\":{\"k\":1},\"a\":2}", WT_EDUPKEY, "duplicate key \"a\""},
        {"{\"k\":9223372036854775808}", WT_EVALUE, "number 9223372036854775808 is out of range"},
        {"{\"k\":-1e400}", WT_EVALUE, "column 6: number -1e400"},
        {"{\"k\":1} 2", WT_ETRAILING, "column 9: more after the end"},
        /* a top-level value followed by an unclosed string: yajl alone says ok */
        /* \f and \v are not JSON blanks (yajl alone takes them) */
        {"{\"k\":\f1}", WT_ESYNTAX, "column 6: a form feed between values"},
        {"\v{}", WT_ESYNTAX, "column 1: a vertical tab"},
        {"{\"k\":\"a\fb\"}", WT_ESYNTAX, NULL}, /* raw, in a string */
        {"0\"x", WT_ETRAILING, "column 2: more after the end"},
        {"{} \"x", WT_ETRAILING, "column 4: more after the end"},
        {"true\"", WT_ETRAILING, "column 5: more after the end"},
        {"\"a\\n\" \"b", WT_ETRAILING, "column 7: more after the end"},
        {"\"a\"\"b", WT_ETRAILING, "column 4: more after the end"},
        {"{\"k\":[1,2}", WT_ESYNTAX, "line 1 column 10"},
        {"{\"k\":\"a\"", WT_ETRUNCATED, "column 9: the input ends inside a value"},
        {"", WT_ETRUNCATED, "line 1 column 1"},
        {"{\"k\":1}\0", WT_ENUL, "column 8: a NUL byte"},
        {"{\"k\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", WT_EDEPTH,
         "column 37: arrays and objects nested deeper than 32"},
        {"{\"k\":/* no */1}", WT_ESYNTAX, NULL},
        {"{\"k\":1,}", WT_ESYNTAX, NULL},
        {"[1] [2]", WT_ETRAILING, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i].json) + (bad[i].expect == WT_ENUL && !strstr(bad[i].json, "u0"));
        wt_result_t res;
        char err[256] = "";
        wt_buf_t mp;
        wt_buf_init(&mp);
        int r = wt_json_to_msgpack(bad[i].json, n, &mp);
        CHECK_MSG(r == bad[i].expect, "sax %zu (%s): got %s want %s", i, bad[i].json, wt_errname(r),
                  wt_errname(bad[i].expect));
        CHECK(r == 0 || mp.size == 0);
        wt_buf_free(&mp);
        if (!bad[i].reason) continue;
        wt_result_from_json(bad[i].json, n, &res, err, sizeof err);
        CHECK_MSG(strstr(err, bad[i].reason) != NULL, "sax %zu: \"%s\" lacks \"%s\"", i, err,
                  bad[i].reason);
        wt_result_clear(&res);
    }

    /* a map of more than 16 keys: a repeat among the first 16 is found
       where it occurs, a later one when the map closes (its keys sorted) */
    for (int late = 0; late < 2; late++) {
        wt_buf_t b;
        wt_buf_init(&b);
        S_APPEND(&b, "{");
        char tmp[32];
        for (int i = 0; i < 40; i++) {
            int k = (late ? i == 30 : i == 10) ? 3 : i;
            int l = snprintf(tmp, sizeof tmp, "%s\"k%d\":[%d]", i ? "," : "", k, i);
            wt_buf_append(&b, tmp, (size_t)l);
        }
        S_APPEND(&b, "}");
        char err[256] = "";
        wt_result_t res;
        CHECK_EQ_INT(wt_result_from_json((const char *)b.data, b.size, &res, err, sizeof err),
                     WT_EDUPKEY);
        CHECK_MSG(strstr(err, "duplicate key \"k3\"") != NULL, "%s", err);
        CHECK_MSG(strstr(err, late ? "in the object that ends here" : "column 93:") != NULL, "%s",
                  err);
        wt_buf_free(&b);
    }
}

/* The escaper's 16- and 8-byte skips against a byte-by-byte reference: one
   byte of each kind at every offset of strings of every length to 40. */
static void s_ref_escape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k = c >= 0x80 ? wt_utf8_seq((const unsigned char *)s + i, n - i, &cp) : 0;
        if (k) {
            memcpy(out + o, s + i, k), o += k, i += k - 1;
        } else if (c >= 0x80) {
            memcpy(out + o, "\\ufffd", 6), o += 6;
        } else if (c == '"' || c == '\\') {
            out[o++] = '\\', out[o++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            out[o++] = '\\';
            out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f';
        } else if (c < 0x20) {
            o += (size_t)sprintf(out + o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = 0;
}

static void test_escape_offsets(void)
{
    static const char *kinds[] = {"\"",           "\\",   "\x01", "\x1f",
                                  "\n",           " ",    "\x7f", "\xc3\xa9",
                                  "\xe2\x80\x9c", "\xff", "\xc3", "\xf0\x9f\x98\x80"};
    char s[64], want[512];
    wt_buf_t out;
    wt_buf_init(&out);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t len = 1; len <= 40; len++)
            for (size_t at = 0; at < len; at++) {
                size_t kl = strlen(kinds[k]), n = len + kl - 1;
                memset(s, 'a', sizeof s);
                memcpy(s + at, kinds[k], kl);
                uint8_t mp[80];
                mp[0] = 0xd9, mp[1] = (uint8_t)n; /* str 8 */
                memcpy(mp + 2, s, n);
                wt_buf_reset(&out);
                /* invalid UTF-8 is refused on the MessagePack path: the
                   writer's own U+FFFD is checked through a result's text */
                if (wt_msgpack_to_json(mp, n + 2, &out) != 0) {
                    CHECK(!wt_utf8_valid(s, n));
                    continue;
                }
                wt_buf_append(&out, "", 1);
                s_ref_escape(s, n, want);
                CHECK_MSG(!strcmp((const char *)out.data, want), "kind %zu len %zu at %zu: %s", k,
                          len, at, (const char *)out.data);
            }
    wt_buf_free(&out);
}

int main(void)
{
    test_item_ok();
    test_item_hostile();
    test_result_roundtrip();
    test_result_fields();
    test_result_buffer_edges();
    test_numbers();
    test_numbers_random();
    test_result_hostile();
    test_convert();
    test_sax_reader();
    test_escape_offsets();
    TEST_END();
}

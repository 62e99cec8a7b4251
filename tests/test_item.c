/*  test_item.c: item lifecycle, ids, enum names and date normalisation. */
#include "testutil.h"
#include "wiretag/item.h"
#include "wiretag/json.h"

/* wt_date_parse: ISO 8601 and RFC 2822, normalised to UTC (issue 13 item 11) */
static const struct {
    const char *in, *want; /* want NULL: refused */
} s_parse[] = {
    {"2021-09-10", "2021-09-10"},
    {"2021-9-10", "2021-09-10"},
    {"2021-9-1", "2021-09-01"},
    {"2021-09-10T08:00:00Z", "2021-09-10T08:00:00Z"},
    {"2021-09-10T08:00Z", "2021-09-10T08:00:00Z"},
    {"2021-09-10 08:00:00", "2021-09-10T08:00:00Z"},
    {"2021-09-10T08:00:00.123456+02:00", "2021-09-10T06:00:00Z"},
    {"2021-09-10T01:30:00+0530", "2021-09-09T20:00:00Z"},
    {"2021-12-31T22:00:00-05:00", "2022-01-01T03:00:00Z"},
    {"2020-02-29T23:59:60Z", "2020-02-29T23:59:59Z"},
    {"Fri, 10 Sep 2021 08:00:00 GMT", "2021-09-10T08:00:00Z"},
    {"Fri, 10 Sep 2021 08:00:00 +0200", "2021-09-10T06:00:00Z"},
    {"Thu, 9 Sep 2021 20:15 EST", "2021-09-10T01:15:00Z"},
    {"10 Sep 2021 08:00:00 -0700 (PDT)", "2021-09-10T15:00:00Z"},
    {"10 September 2021", "2021-09-10"},
    {"Sat, 01 Jan 00 00:00:00 UT", "2000-01-01T00:00:00Z"},
    {"  2021-09-10  ", "2021-09-10"},
    {"2021-02-30", NULL},
    {"2021-02-29", NULL},
    {"2100-02-29", NULL},
    {"2021-04-31", NULL},
    {"2021-13-01", NULL},
    {"2021-00-10", NULL},
    {"2021-09-10T24:00", NULL},
    {"2021-09-10T12:60", NULL},
    {"2021-09-10T12:00+25:00", NULL},
    {"2021-09-10T12:00 Mars", NULL},
    {"2021-09-10x", NULL},
    {"31 Feb 2021", NULL},
    {"Fri, 10 Sept 2021 08:00:00 XYZ", NULL},
    {"10/09/2021", NULL},
    {"yesterday", NULL},
    {"", NULL},
};

static const struct {
    const char *in, *want; /* want NULL: refused */
} s_dates[] = {
    {"2021-09-10", "2021-09-10"},
    {"2021-09-10T12:00:00Z", "2021-09-10"},
    {"2021-09-10 12:00", "2021-09-10"},
    {"2021-09-10T12:00:00.123+02:00", "2021-09-10"},
    {"2021-09-10T12:00-0500", "2021-09-10"},
    {"2021-09-10 and more text", NULL},
    {"2021-13-01", NULL},
    {"2021-00-10", NULL},
    {"2021-09-32", NULL},
    {"2021/09/10", NULL},
    {"2021-09-10T", NULL},
    {"2021-09-10T25:00", NULL},
    {"2021-9-10", NULL},
    {"yesterday", NULL},
    {"", NULL},
};

int main(void)
{
    char out[11];
    for (size_t i = 0; i < sizeof s_dates / sizeof s_dates[0]; i++) {
        int rc = wt_date_normalize(s_dates[i].in, out);
        if (s_dates[i].want) {
            CHECK_MSG(rc == 0 && strcmp(out, s_dates[i].want) == 0, "date [%s]", s_dates[i].in);
        } else {
            CHECK_MSG(rc == WT_EVALUE, "date [%s] accepted", s_dates[i].in);
        }
    }
    CHECK(wt_date_normalize(NULL, out) == WT_EVALUE);
    CHECK(wt_date_normalize("2021-02-30", out) == WT_EVALUE);
    CHECK(wt_date_normalize("2020-02-29", out) == 0);
    char norm[32];
    for (size_t i = 0; i < sizeof s_parse / sizeof s_parse[0]; i++) {
        int rc = wt_date_parse(s_parse[i].in, norm, sizeof norm);
        if (s_parse[i].want)
            CHECK_MSG(rc == 0 && strcmp(norm, s_parse[i].want) == 0, "parse [%s] -> [%s]",
                      s_parse[i].in, rc ? "refused" : norm);
        else
            CHECK_MSG(rc == WT_EVALUE, "parse [%s] accepted as [%s]", s_parse[i].in, norm);
    }
    /* an item is never refused for its date: kept, published null, flagged */
    static const struct {
        const char *json, *want;
    } items[] = {
        {"{\"text\":\"a\",\"published\":\"Fri, 10 Sep 2021 08:00:00 GMT\"}",
         "2021-09-10T08:00:00Z"},
        {"{\"text\":\"a\",\"published\":\"2021-9-10\"}", "2021-09-10"},
        {"{\"text\":\"a\",\"published\":\"2021-02-30\"}", NULL},
        {"{\"text\":\"a\",\"published\":\"last Tuesday\"}", NULL},
        {"{\"text\":\"a\",\"published\":20210910}", NULL},
        {"{\"text\":\"a\",\"published\":[2021,9,10]}", NULL},
        {"{\"text\":\"a\",\"published\":{\"y\":2021},\"title\":\"t\"}", NULL},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        wt_item_t it = {0};
        char err[256] = "";
        int rc =
            wt_item_from_json(items[i].json, strlen(items[i].json), NULL, &it, err, sizeof err);
        CHECK_MSG(rc == 0, "item %zu refused: %s", i, err);
        if (items[i].want)
            CHECK_MSG(it.published && !strcmp(it.published, items[i].want) && !it.published_invalid,
                      "item %zu published %s", i, it.published ? it.published : "null");
        else
            CHECK_MSG(!it.published && it.published_invalid, "item %zu not flagged", i);
        wt_item_clear(&it);
    }

    /* ids: stable hash of the text, kept when given */
    wt_item_t a = {0}, b = {0};
    a.text = wt_strdup("Some text.");
    a.text_len = 10;
    b.text = wt_strdup("Some text.");
    b.text_len = 10;
    wt_item_ensure_id(&a);
    wt_item_ensure_id(&b);
    CHECK(a.id && a.id[0] == 'h' && strlen(a.id) == 17);
    CHECK_EQ_STR(a.id, b.id);
    wt_item_t c = {0};
    wt_item_copy(&c, &a);
    CHECK_EQ_STR(c.id, a.id);
    CHECK(c.text != a.text && strcmp(c.text, a.text) == 0);
    wt_item_clear(&a);
    wt_item_clear(&b);
    wt_item_clear(&c);
    CHECK(a.id == NULL && a.text == NULL);

    /* enum names both ways */
    wt_actor_type_t t;
    CHECK(wt_actor_type_parse("organization", &t) == 0 && t == WT_ACTOR_ORGANIZATION);
    CHECK(wt_actor_type_parse("org", &t) == WT_EVALUE);
    CHECK_EQ_STR(wt_actor_type_name(WT_ACTOR_COUNTRY), "country");
    wt_quote_kind_t k;
    CHECK(wt_quote_kind_parse("partial", &k) == 0 && k == WT_QUOTE_PARTIAL);
    CHECK_EQ_STR(wt_quote_kind_name(WT_QUOTE_INDIRECT), "indirect");
    CHECK(wt_topic_valid("public_lands") && !wt_topic_valid("weather") && !wt_topic_valid(NULL));

    /* result arrays grow and clear */
    wt_result_t r = {0};
    for (int i = 0; i < 1000; i++) {
        wt_actor_t *ac = wt_result_add_actor(&r);
        ac->id = wt_strdup("x");
        wt_actor_add_mention(ac, 0, 1);
        wt_result_add_quote(&r)->cue = wt_strdup("said");
    }
    CHECK_EQ_INT(r.actor_count, 1000);
    wt_result_clear(&r);
    CHECK(r.actors == NULL && r.actor_count == 0);
    /* error names */
    CHECK_EQ_STR(wt_errname(WT_ECOUNT), "ECOUNT");
    CHECK_EQ_STR(wt_errname(-EINVAL), "EINVAL");
    CHECK(strcmp(wt_strerror(WT_EUTF8), "unknown error") != 0);
    TEST_END();
}

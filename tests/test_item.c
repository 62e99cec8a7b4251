/*  test_item.c: item lifecycle, ids, enum names and date normalisation. */
#include "testutil.h"
#include "wiretag/item.h"

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

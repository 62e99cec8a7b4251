/*  test_issues.c: the issues stage on sentences written for these tests:
    inflections, ignore phrases, case constraints, thresholds, scoring and
    the headline factor, issues_max, the taxonomy loader's errors, and the
    PETRARCH issue-file reader (our fixture, and the shared Phoenix file
    when it is present). */
#include "engine/issues/issues_int.h"
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>

static wt_config_t s_cfg;

static wt_issuedb_t *s_db(const char *taxonomy, const char *petrarch, char *err, size_t errlen)
{
    char path[PATH_MAX], ppath[PATH_MAX];
    wt_config_defaults(&s_cfg);
    free(s_cfg.issues_taxonomy);
    free(s_cfg.issues_petrarch);
    s_cfg.issues_taxonomy = realpath(taxonomy, path) ? wt_strdup(path) : wt_strdup(taxonomy);
    s_cfg.issues_petrarch = NULL;
    if (petrarch)
        s_cfg.issues_petrarch = realpath(petrarch, ppath) ? wt_strdup(ppath) : wt_strdup(petrarch);
    s_cfg.issues_threshold = 1.0;
    s_cfg.issues_max = 8;
    wt_issuedb_t *db = wt_issuedb_new(&s_cfg, err, errlen);
    wt_config_free(&s_cfg);
    return db;
}

/* Tag text; when headline is set the first paragraph is the title. */
static void s_tag(wt_issues_ctx_t *ctx, const char *text, bool headline, wt_result_t *res)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    wt_doc_analyze(&doc, text, strlen(text));
    wt_input_t in = {.doc = &doc};
    if (headline && doc.nparas > 1) in.title_end = doc.paras[0].end;
    memset(res, 0, sizeof *res);
    wt_issues_tag(ctx, &in, res);
    wt_doc_free(&doc);
}

static const wt_issue_t *s_find(const wt_result_t *res, const char *id)
{
    for (size_t i = 0; i < res->issue_count; i++)
        if (strcmp(res->issues[i].id, id) == 0) return &res->issues[i];
    return NULL;
}

typedef struct {
    const char *text;
    bool headline;
    const char *issue;  /* expected issue, or NULL */
    const char *absent; /* an issue that must not be reported, or NULL */
    int mentions;       /* expected mentions of `issue` (-1: any) */
} tag_case_t;

static const tag_case_t s_cases[] = {
    /* inflections: one written form finds the others (lead counts 1.0) */
    {"The council imposed new sanctions on the regime.\n\nMore sanctioned firms followed.", false,
     "sanctions", NULL, 2},
    {"Tariffs rose again.\n\nThe minister defended the tariff.", false, "trade", NULL, 2},
    /* derivations stay apart: importance is no form of import; house no form of housing */
    {"The importance of the meeting was clear.\n\nImportant guests came. Importantly, all ate.",
     false, NULL, "trade", 0},
    {"The White House spoke.\n\nThe house was quiet. Two houses burned.", false, NULL, "housing",
     0},
    {"Housing is scarce in the city.\n\nNew housing is planned.", false, "housing", NULL, 2},
    /* verb forms come only from the word as written; plurals give singulars */
    {"The rule was clear.\n\nThe rules changed. New rules came.", false, NULL, "courts", 0},
    {"The judge ruled on Monday.\n\nShe ruled again.", false, "courts", NULL, 2},
    {"Shipping rates rose.\n\nShipping slowed.", false, NULL, "ships", 0},
    {"A ship sank.\n\nTwo ships collided.", false, "ships", NULL, 2},
    /* two phrases of one issue on the same words ("levy" finds "levies",
       and "levies" is a phrase too): one mention each time, not two */
    {"New levies were announced.\n\nThe levies anger farmers.", false, "levies", NULL, 2},
    /* ignore phrases: issue-level and global */
    {"A climate of fear settled on the town.\n\nA climate of fear grew.", false, NULL, "climate",
     0},
    {"Trade winds pushed the boats west.\n\nTrade winds again.", false, NULL, "trade", 0},
    {"Climate change worries farmers.\n\nThe climate of fear aside, climate change is real.", false,
     "climate", NULL, 2},
    /* case constraint: ^WHO is the organisation, "who" is a pronoun */
    {"WHO warned of a new strain.\n\nThe WHO said more.", false, "who", NULL, 2},
    {"Those who came were thanked.\n\nPeople who left were not.", false, NULL, "who", 0},
    /* = constraint: only the exact word */
    {"Vaccinations started today.\n\nMore vaccinations tomorrow.", false, "who", NULL, 2},
    {"The vaccination started today.\n\nMore vaccination tomorrow.", false, NULL, "who", 0},
    /* threshold: one passing mention in the body does not tag the article */
    {"The weather was mild.\n\nPeople walked outside.\n\nOne man spoke of climate.", false, NULL,
     "climate", 0},
    /* but the same word in the headline does */
    {"Climate on the agenda\n\nThe weather was mild.\n\nPeople walked outside.", true, "climate",
     NULL, 1},
    /* a crawled page: navigation lines, then the headline, then the body */
    {"Skip to main content\n\nPolitics\n\nCouncil weighs new sanctions\n\nThe weather was mild.\n\n"
     "People walked outside.",
     false, "sanctions", NULL, 1},
    /* the same words in a body sentence do not pass */
    {"The weather was mild.\n\nPeople walked outside.\n\nThe council weighs new sanctions.", false,
     NULL, "sanctions", 0},
    /* two body mentions in two paragraphs pass */
    {"The weather was mild.\n\nThe climate is shifting.\n\nThe climate worried them.", false,
     "climate", NULL, 2},
    /* a heavy phrase passes alone in the body (1.5 x 0.6 < 1 would not; 2 mentions do) */
    {"Nothing here.\n\nGreenhouse gas output rose.\n\nGreenhouse gas again.", false, "climate",
     NULL, 2},
};

static void s_test_tagging(wt_issues_ctx_t *ctx)
{
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const tag_case_t *c = &s_cases[i];
        wt_result_t res;
        s_tag(ctx, c->text, c->headline, &res);
        if (c->issue) {
            const wt_issue_t *is = s_find(&res, c->issue);
            CHECK_MSG(is != NULL, "case %zu: %s not tagged", i, c->issue);
            if (is && c->mentions >= 0) CHECK_EQ_INT(is->mention_count, c->mentions);
            if (is) {
                /* mentions are spans of the text */
                for (size_t m = 0; m < is->mention_count; m++)
                    CHECK(is->mentions[m].end > is->mentions[m].start &&
                          is->mentions[m].end <= strlen(c->text));
            }
        }
        if (c->absent)
            CHECK_MSG(s_find(&res, c->absent) == NULL, "case %zu: %s tagged", i, c->absent);
        wt_result_clear(&res);
    }
}

static void s_test_scoring(wt_issues_ctx_t *ctx)
{
    wt_result_t a, b;
    /* the same words score more in the headline than in the body */
    s_tag(ctx,
          "Sanctions and tariffs\n\nThe talks went on.\n\nSanctions and tariffs were discussed.",
          true, &a);
    s_tag(ctx,
          "The talks went on.\n\nThe talks went on.\n\nSanctions and tariffs were discussed.\n\n"
          "Sanctions and tariffs were discussed.",
          false, &b);
    const wt_issue_t *ta = s_find(&a, "sanctions"), *tb = s_find(&b, "sanctions");
    CHECK(ta && tb);
    if (ta && tb) CHECK_MSG(ta->score > tb->score, "%g <= %g", ta->score, tb->score);
    /* the first mention of sanctions is in the headline */
    if (ta && ta->mention_count) CHECK_EQ_INT(ta->mentions[0].start, 0);
    wt_result_clear(&a);
    wt_result_clear(&b);

    /* issues come sorted by score, with their topic */
    s_tag(ctx,
          "Sanctions were imposed. Asset freeze ordered. More sanctions came.\n\n"
          "Tariffs were raised. Sanctions widened.\n\nTariffs stayed.",
          false, &a);
    CHECK(a.issue_count >= 2);
    for (size_t i = 1; i < a.issue_count; i++)
        CHECK(a.issues[i - 1].score >= a.issues[i].score);
    const wt_issue_t *s = s_find(&a, "sanctions");
    CHECK(s && strcmp(s->topic, "international_affairs") == 0 &&
          strcmp(s->label, "Sanctions") == 0);
    CHECK(a.issue_count && strcmp(a.issues[0].id, "sanctions") == 0);
    wt_result_clear(&a);

    /* repeated mentions of one phrase count less than varied ones */
    s_tag(ctx, "Nothing.\n\nThe sanction hurt. The sanction hurt. The sanction hurt.", false, &a);
    s_tag(ctx, "Nothing.\n\nThe sanction hurt. The asset freeze hurt. The sanctions hurt.", false,
          &b);
    ta = s_find(&a, "sanctions");
    tb = s_find(&b, "sanctions");
    CHECK(ta && tb);
    if (ta && tb) CHECK(tb->score > ta->score);
    wt_result_clear(&a);
    wt_result_clear(&b);

    /* empty and odd texts */
    s_tag(ctx, "", false, &a);
    CHECK_EQ_INT(a.issue_count, 0);
    wt_result_clear(&a);
    s_tag(ctx, "---- ... \"\" '' 12 34 -- sanction-sanction-", false, &a);
    wt_result_clear(&a);
}

static void s_test_max(void)
{
    char err[256] = "";
    wt_config_defaults(&s_cfg);
    char path[PATH_MAX];
    free(s_cfg.issues_taxonomy);
    s_cfg.issues_taxonomy =
        wt_strdup(realpath("tests/fixtures/issues/mini.yaml", path) ? path : "");
    s_cfg.issues_max = 1;
    s_cfg.issues_threshold = 1.0;
    wt_issuedb_t *db = wt_issuedb_new(&s_cfg, err, sizeof err);
    wt_config_free(&s_cfg);
    CHECK_MSG(db != NULL, "%s", err);
    if (!db) return;
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    wt_result_t res;
    s_tag(ctx, "Sanctions and tariffs\n\nSanctions and tariffs. Sanctions.", true, &res);
    CHECK_EQ_INT(res.issue_count, 1);
    if (res.issue_count) CHECK_EQ_STR(res.issues[0].id, "sanctions");
    wt_result_clear(&res);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
    CHECK(db == NULL);
}

/* The evidence rules: one phrase repeated in the body is not enough
   (distinct: 2) unless it is in the headline or the lead; an issue with
   alone: false reports its topic only beside another issue of it. */
static void s_test_evidence(void)
{
    char err[256] = "";
    wt_issuedb_t *db = s_db("tests/fixtures/issues/evidence.yaml", NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (!db) return;
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    wt_result_t res;
    /* one phrase in three body paragraphs (score 1.2 >= 1): not reported */
    s_tag(ctx, "The town met.\n\nRainfall was low.\n\nRainfall fell again.\n\nRainfall, once more.",
          false, &res);
    CHECK_MSG(s_find(&res, "rain") == NULL, "one repeated phrase reported");
    wt_result_clear(&res);
    /* two different phrases in the body: reported */
    s_tag(ctx, "The town met.\n\nRainfall was low.\n\nThe drought went on.\n\nRainfall, once more.",
          false, &res);
    CHECK_MSG(s_find(&res, "rain") != NULL, "two distinct phrases not reported");
    wt_result_clear(&res);
    /* one phrase, but in the lead: reported */
    s_tag(ctx, "Rainfall was the lowest on record, and rainfall will stay low.\n\nThe town met.",
          false, &res);
    CHECK_MSG(s_find(&res, "rain") != NULL, "a lead phrase not reported");
    wt_result_clear(&res);
    /* a court that rules on a planning matter: no crime topic */
    s_tag(ctx, "The court heard the case. The judge asked questions.\n\nThe court will rule.",
          false, &res);
    CHECK_MSG(s_find(&res, "courts") == NULL, "courts alone carried law_crime");
    wt_result_clear(&res);
    /* beside a crime issue the court counts */
    s_tag(ctx,
          "The court heard the robbery case. The judge asked questions.\n\nThe court will rule.",
          false, &res);
    CHECK_MSG(s_find(&res, "courts") != NULL && s_find(&res, "crime") != NULL,
              "courts beside a crime issue not reported");
    wt_result_clear(&res);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
}

/* The shipped taxonomy on sentences of our own: an office title is not a
   topic, an electricity tariff is not trade, a match is not policy. */
static void s_test_shipped_precision(void)
{
    char err[256] = "";
    wt_issuedb_t *db = s_db("config/issues.yaml", NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (!db) return;
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    wt_result_t res;
    struct {
        const char *text, *absent_topic, *present_topic;
    } cases[] = {
        {"Dam project approved\n\nPrime Minister Ana Duarte opened the dam on Friday.\n\n"
         "Prime Minister Ana Duarte said the river would supply the valley. The prime minister "
         "thanked the engineers.",
         "government_operations", NULL},
        {"Regulator cuts the power tariff\n\nThe state regulator lowered the electricity tariff "
         "for homes.\n\nThe new tariff applies from May, and the feed-in tariff for rooftop panels "
         "stays.",
         "foreign_trade", NULL},
        {"Ministers agree new tariffs on steel\n\nThe bloc imposed tariffs on imported steel and "
         "aluminium.\n\nExporters warned of retaliatory tariffs.",
         NULL, "foreign_trade"},
        {"Rovers win the derby\n\nThe coach praised the league leaders after the football match "
         "at the stadium.\n\nThe championship race goes on, the coach said.",
         "culture", NULL},
        {"Protesters march to the embassy\n\nStudents marched to the Danish embassy on Sunday and "
         "chanted outside the embassy gates.\n\nPolice watched the protest.",
         "international_affairs", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_tag(ctx, cases[i].text, true, &res);
        bool has_absent = false, has_present = false;
        for (size_t k = 0; k < res.issue_count; k++) {
            if (cases[i].absent_topic && strcmp(res.issues[k].topic, cases[i].absent_topic) == 0)
                has_absent = true;
            if (cases[i].present_topic && strcmp(res.issues[k].topic, cases[i].present_topic) == 0)
                has_present = true;
        }
        if (cases[i].absent_topic)
            CHECK_MSG(!has_absent, "case %zu: %s reported", i, cases[i].absent_topic);
        if (cases[i].present_topic)
            CHECK_MSG(has_present, "case %zu: %s missing", i, cases[i].present_topic);
        wt_result_clear(&res);
    }
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
}

static void s_test_load_errors(void)
{
    char err[256] = "";
    wt_issuedb_t *db = s_db("tests/fixtures/issues/bad_topic.yaml", NULL, err, sizeof err);
    CHECK(db == NULL);
    CHECK_MSG(strstr(err, "bad_topic.yaml:7:") && strstr(err, "topic"), "%s", err);
    db = s_db("tests/fixtures/issues/dup_id.yaml", NULL, err, sizeof err);
    CHECK(db == NULL);
    CHECK_MSG(strstr(err, "duplicate issue id 'same'"), "%s", err);
    db = s_db("tests/fixtures/issues/unknown_key.yaml", NULL, err, sizeof err);
    CHECK(db == NULL);
    CHECK_MSG(strstr(err, "unknown key 'colour'"), "%s", err);
    db = s_db("tests/fixtures/issues/no_such_file.yaml", NULL, err, sizeof err);
    CHECK(db == NULL);
    CHECK_MSG(strstr(err, "no_such_file.yaml"), "%s", err);
    /* the shipped taxonomy loads and is large */
    db = s_db("config/issues.yaml", NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (db) {
        CHECK_MSG(db->nissues >= 150, "%zu issues", db->nissues);
        bool seen[21] = {0};
        for (size_t i = 0; i < db->nissues; i++)
            seen[db->issues[i].topic] = true;
        for (int t = 0; t < 21; t++)
            CHECK_MSG(seen[t], "no issue under %s", wt_topics[t]);
        CHECK(wt_issuedb_hash(db) != 0);
    }
    wt_issuedb_destroy(&db);
}

/* ---- PETRARCH reader ---- */

typedef struct {
    char forms[64][96];
    int codes[64];
    int n;
} collect_t;

static int s_collect(const wt_issuecoding_entry_t *e, void *ud)
{
    collect_t *c = ud;
    if (c->n < 64) {
        snprintf(c->forms[c->n], sizeof c->forms[0], "%s%s|%s|%s",
                 e->ignore == 2 ? "~~"
                 : e->ignore    ? "~"
                                : "",
                 e->category, e->code ? e->code : "", e->phrase);
        c->n++;
    }
    return 0;
}

static bool s_has(const collect_t *c, const char *s)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->forms[i], s) == 0) return true;
    return false;
}

static void s_test_petrarch_parse(void)
{
    size_t len, warn = 0;
    char *buf = wt_test_slurp("tests/fixtures/issues/petrarch_mini.txt", &len);
    CHECK(buf != NULL);
    if (!buf) return;
    collect_t c = {0};
    CHECK_EQ_INT(wt_issuecoding_parse(buf, len, s_collect, &c, &warn), 0);
    CHECK(s_has(&c, "HEALTHCARE|CLINICS|clinic"));
    CHECK(s_has(&c, "HEALTHCARE|CLINICS|clinics"));
    CHECK(s_has(&c, "HEALTHCARE|VACCINATION|vaccinate"));
    CHECK(s_has(&c, "HEALTHCARE|VACCINATION|vaccinates"));
    CHECK(s_has(&c, "HEALTHCARE|VACCINATION|vaccinated"));
    CHECK(s_has(&c, "HEALTHCARE|VACCINATION|vaccinating"));
    CHECK(s_has(&c, "HEALTHCARE|NURSE_STRIKE|nurses striked")); /* regular forms, as PETRARCH */
    CHECK(s_has(&c, "HEALTHCARE|CHILD_CARE|day care"));
    CHECK(s_has(&c, "HEALTHCARE|CHILD_CARE|day-care"));
    CHECK(s_has(&c, "HEALTHCARE|HEALTH_POLICY|policies")); /* y -> ies */
    CHECK(s_has(&c, "~HEALTHCARE||clinic visit"));
    CHECK(s_has(&c, "~~HEALTHCARE||soap opera"));
    CHECK(s_has(&c, "SCHOOLING|SCHOOLS|schools")); /* no blank before [ */
    CHECK(!s_has(&c, "HEALTHCARE||no code on this line"));
    CHECK_EQ_INT(warn, 2); /* no code; unclosed bracket */
    /* 2 nouns x 4 verb forms */
    int nurse = 0;
    for (int i = 0; i < c.n; i++)
        nurse += strstr(c.forms[i], "NURSE_STRIKE") != NULL;
    CHECK_EQ_INT(nurse, 8);
    free(buf);

    /* hostile input: NULs, an endless line, a marker on nothing, many pluses */
    static const char hostile[] = "<ISSUE CATEGORY=\"X\">\n\0\0n: [A]\nn:[B]\na+b+c+d+e+f+g+h [C]\n"
                                  "~\n~~\n[]\n[ ]\n</ISSUE\n<ISSUE CATEGORY=>\nv:e [D]\n";
    collect_t h = {0};
    warn = 0;
    wt_issuecoding_parse(hostile, sizeof hostile - 1, s_collect, &h, &warn);
    CHECK(warn >= 3);
    CHECK(s_has(&h, "|D|es")); /* the broken section tag left no category */
    char *big = malloc(20000);
    memset(big, 'a', 20000);
    big[19999] = '[';
    warn = 0;
    collect_t g = {0};
    wt_issuecoding_parse(big, 20000, s_collect, &g, &warn);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(warn, 1);
    free(big);
}

static void s_test_petrarch_tag(void)
{
    char err[256] = "";
    wt_issuedb_t *db = s_db("tests/fixtures/issues/mini.yaml",
                            "tests/fixtures/issues/petrarch_mini.txt", err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (!db) return;
    CHECK(wt_ixdb_find_issue(db, "phx_clinics") >= 0);
    CHECK(wt_ixdb_find_issue(db, "phx_schools") >= 0);
    CHECK(wt_ixdb_find_issue(db, "phx_things") < 0); /* category not mapped */
    int cl = wt_ixdb_find_issue(db, "phx_clinics");
    if (cl >= 0) CHECK_EQ_STR(wt_topics[db->issues[cl].topic], "health");
    CHECK(db->warnings >= 3);
    CHECK_EQ_INT(wt_issuedb_warnings(db), db->warnings);
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    wt_result_t res;
    /* exact forms: clinics, CLINIC (case folded); weight 0.5 each, title 1.6 */
    s_tag(ctx, "Clinics close\n\nThe clinic closed. Two clinics closed.\n\nA clinic shut.", true,
          &res);
    const wt_issue_t *is = s_find(&res, "phx_clinics");
    CHECK(is && is->mention_count == 4);
    wt_result_clear(&res);
    /* ~ cancels the category in its sentence only */
    s_tag(ctx, "Clinics close\n\nThe clinic visit was short, said the clinic.\n\nA clinic shut.",
          true, &res);
    is = s_find(&res, "phx_clinics");
    CHECK(is && is->mention_count == 2);
    wt_result_clear(&res);
    /* ~~ cancels it in the whole story */
    s_tag(ctx, "Clinics close\n\nThe clinic closed.\n\nA soap opera was filmed at the clinic.",
          true, &res);
    CHECK(s_find(&res, "phx_clinics") == NULL);
    wt_result_clear(&res);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
}

static void s_test_phoenix(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/dictionaries/phoenix/Phoenix.IssueCoding.txt",
             wt_test_shared());
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("note: %s absent, Phoenix checks skipped\n", path);
        return;
    }
    fclose(f);
    size_t len, warn = 0;
    char *buf = wt_test_slurp(path, &len);
    collect_t c = {0};
    CHECK_EQ_INT(wt_issuecoding_parse(buf, len, s_collect, &c, &warn), 0);
    CHECK_EQ_INT(c.n, 64); /* many more than 64 forms */
    CHECK(warn > 0);       /* the real file has lines without codes */
    free(buf);
    char err[256] = "";
    wt_issuedb_t *db = s_db("config/issues.yaml", path, err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (!db) return;
    size_t phx = 0;
    for (size_t i = 0; i < db->nissues; i++)
        phx += strncmp(db->issues[i].id, "phx_", 4) == 0;
    CHECK_MSG(phx > 50, "%zu PETRARCH issues", phx);
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    wt_result_t res;
    s_tag(ctx,
          "Preschools reopen\n\nThe preschools reopened. Kindergarteners returned to "
          "preschool.\n\nPreschool teachers were glad.",
          true, &res);
    CHECK(s_find(&res, "phx_early_childhood_education") != NULL);
    wt_result_clear(&res);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
}

/* Our own short articles (tests/fixtures/issues/articles.txt) with the
   shipped taxonomy: each must get the topics listed and none marked '!'. */
static void s_check_article(wt_issues_ctx_t *ctx, const char *spec, const char *text, int n)
{
    wt_result_t res;
    s_tag(ctx, text, false, &res);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
        bool neg = tok[0] == '!';
        const char *topic = tok + neg;
        bool got = false;
        for (size_t i = 0; i < res.issue_count; i++)
            got |= strcmp(res.issues[i].topic, topic) == 0;
        CHECK_MSG(got != neg, "article %d: %s %s", n, topic, neg ? "tagged" : "missing");
    }
    wt_result_clear(&res);
}

static void s_test_articles(void)
{
    char err[256] = "";
    size_t len;
    char *buf = wt_test_slurp("tests/fixtures/issues/articles.txt", &len);
    wt_issuedb_t *db = s_db("config/issues.yaml", NULL, err, sizeof err);
    CHECK(buf && db);
    if (!buf || !db) {
        free(buf);
        wt_issuedb_destroy(&db);
        return;
    }
    buf[len] = 0;
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
    char *spec = NULL, *text = NULL;
    int n = 0;
    /* split on lines starting with "== " */
    char *p = buf;
    while ((p = strstr(p, "\n== ")) != NULL) {
        *p = 0; /* ends the previous article */
        if (spec) s_check_article(ctx, spec, text, n++);
        spec = p + 4;
        char *nl = strchr(spec, '\n');
        if (!nl) break;
        *nl = 0;
        text = nl + 1;
        p = nl + 1;
    }
    if (spec && text) s_check_article(ctx, spec, text, n++);
    CHECK_EQ_INT(n, 24);
    free(buf);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
}

int main(void)
{
    char err[256] = "";
    wt_issuedb_t *db = s_db("tests/fixtures/issues/mini.yaml", NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "%s", err);
    if (db) {
        wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);
        s_test_tagging(ctx);
        s_test_scoring(ctx);
        wt_issues_ctx_destroy(&ctx);
        CHECK(ctx == NULL);
        wt_issues_ctx_destroy(&ctx); /* NULL-safe */
    }
    wt_issuedb_destroy(&db);
    wt_issuedb_destroy(&db);
    s_test_max();
    s_test_load_errors();
    s_test_evidence();
    s_test_shipped_precision();
    s_test_petrarch_parse();
    s_test_petrarch_tag();
    s_test_phoenix();
    s_test_articles();
    TEST_END();
}

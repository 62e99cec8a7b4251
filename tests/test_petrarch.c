/*  test_petrarch.c: the PETRARCH/TABARI dictionary reader.

    Our own fixtures (tests/fixtures/petrarch/, invented names) carry one
    line per rule and per defect; the tables below say what each must give.
    Then small buffers for the edge cases, and, when ../shared is present,
    every Phoenix dictionary is loaded: counts printed, sane minimums and
    invariants checked (the reader must survive the real files). */
#include "testutil.h"
#include "wiretag/petrarch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX "tests/fixtures/petrarch/"

static const wt_petrarch_actor_t *s_actor(const wt_petrarch_dict_t *d, const char *phrase)
{
    for (size_t i = 0; i < d->nactors; i++)
        if (!strcmp(d->actors[i].phrase, phrase)) return &d->actors[i];
    return NULL;
}

/* The record holding phrase as primary or synonym. */
static const wt_petrarch_actor_t *s_owner(const wt_petrarch_dict_t *d, const char *phrase)
{
    for (size_t i = 0; i < d->nactors; i++) {
        const wt_petrarch_actor_t *a = &d->actors[i];
        if (!strcmp(a->phrase, phrase)) return a;
        for (int j = 0; j < a->nsynonyms; j++)
            if (!strcmp(a->synonyms[j], phrase)) return a;
    }
    return NULL;
}

static bool s_warned(const wt_petrarch_report_t *r, int line, const char *frag)
{
    char at[32];
    snprintf(at, sizeof at, ":%d: ", line);
    for (int i = 0; i < r->nkept; i++)
        if (strstr(r->warnings[i], at) && strstr(r->warnings[i], frag)) return true;
    return false;
}

/* ---- actors ---------------------------------------------------------- */

typedef struct {
    const char *phrase; /* primary phrase */
    int nsyn;           /* -1: do not check */
    const char *syn0;   /* first synonym, NULL: do not check */
    int ncodes;
    const char *code0; /* first code "CODE from to", NULL: do not check */
} s_actor_case_t;

static const s_actor_case_t s_actor_cases[] = {
    {"FREEDONIA", 4, "FREEDONIAN", 1, "FRD 0 0"}, /* inline code, dup syn merged */
    {"RUFUS QUILLFEATHER", 1, "PRESIDENT QUILLFEATHER", 5, "FRDELI 0 19321231"}, /* < */
    {"OTTO VANDERBLUE", 0, NULL, 2, "SYLGOV 20291201 20300131"}, /* YYMMDD, pivot 30 */
    {"SYLVANIA ENVOY", 0, NULL, 3, "SYLGOV 19900101 19991231"},  /* several groups on a line */
    {"MARGOT TEASDALE", 1, "MARGOT T. TEASDALE", 1, "FRDGOV 20010101 20051231"}, /* shared codes */
    {"TEODOR SEVEN DIGITS", 0, NULL, 4, "FRDMIL 0 20061201"},        /* 7-digit start left open */
    {"ALDO ACCENTED", 1, "\xc3\x89LODIE MARCHETTI", 0, NULL},        /* mojibake synonyms dropped */
    {"SPACED CODE PERSON", 0, NULL, 1, "FRDJUD 0 0"},                /* space-indented code line */
    {"GEORGE INDENTED", 0, NULL, 1, "FRDLEG 0 0"},                   /* tab-indented phrase */
    {"HALF BRACKET PERSON", 2, "GLUED ONE", 1, "FRDMED 0 0"},        /* stray ], glued + */
    {"OPEN BRACKET PERSON", 0, NULL, 1, "FRDSPY 20100101 20101231"}, /* no closing ] */
    {"REPEAT PERSON", 1, "REPEAT SYNONYM", 1, "FRDAGR 0 0"},         /* dup synonym skipped */
    {"FREEVILLE ASSEMBLY", 1, "FREEBURG ASSEMBLY", 1, "FRDLEG 0 0"}, /* !SET! in actors */
    {"YUM! SNACKS", 0, NULL, 1, "MNCFRD 0 0"},                       /* lone ! kept */
    {"NO CODE AT ALL", 0, NULL, 0, NULL},
};

static const struct {
    int line;
    const char *frag;
} s_actor_warnings[] = {
    {4, "code line outside an entry"},
    {34, "7 digits"},
    {35, "9 digits; read as 20060228"},
    {36, "'20070230' cannot be read"},
    {37, "ends before it starts"},
    {38, "bare date '20100101'"},
    {39, "'not-a-date' in '[frdreb <not-a-date]'"},
    {40, "not a CAMEO code"},
    {43, "U+FFFD"},
    {44, "invalid UTF-8"},
    {47, "control character"},
    {42, "'ALDO ACCENTED' has no code"},
    {51, "indented with spaces"},
    {52, "indented phrase"},
    {53, "stray bracket"},
    {54, "'+' inside"},
    {55, "'[' without ']'"},
    {57, "duplicate actor phrase 'FREEDONIAN' (first at " FIX "test.actors.txt:10)"},
    {59, "duplicate actor phrase 'FREEDONIA'"},
    {59, "different codes of a repeated entry ignored"},
    {64, "'NO CODE AT ALL' has no code"},
};

static void s_test_actors(void)
{
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    wt_petrarch_report_t r;
    int rc = wt_petrarch_read(d, FIX "test.actors.txt", WT_PETRARCH_AUTO, &r);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(r.actors, 15);
    CHECK_EQ_INT(d->nactors, 15);
    CHECK_EQ_INT(r.synonyms, 11);
    CHECK_EQ_INT(r.codes, 23);
    CHECK_EQ_INT(r.sets, 1);
    CHECK_EQ_INT(r.duplicates, 3);
    CHECK_EQ_INT(r.lines, 65); /* stops at ---STOP--- */
    CHECK_EQ_INT(r.nwarnings, (int)(sizeof s_actor_warnings / sizeof s_actor_warnings[0]));
    for (size_t i = 0; i < sizeof s_actor_cases / sizeof s_actor_cases[0]; i++) {
        const s_actor_case_t *c = &s_actor_cases[i];
        const wt_petrarch_actor_t *a = s_actor(d, c->phrase);
        CHECK_MSG(a != NULL, "actor %s missing", c->phrase);
        if (!a) continue;
        if (c->nsyn >= 0)
            CHECK_MSG(a->nsynonyms == c->nsyn, "%s: %d synonyms", c->phrase, a->nsynonyms);
        if (c->syn0 && a->nsynonyms) CHECK_EQ_STR(a->synonyms[0], c->syn0);
        CHECK_MSG(a->ncodes == c->ncodes, "%s: %d codes", c->phrase, a->ncodes);
        if (c->code0 && a->ncodes) {
            char got[64];
            snprintf(got, sizeof got, "%s %d %d", a->codes[0].code, (int)a->codes[0].from,
                     (int)a->codes[0].to);
            CHECK_EQ_STR(got, c->code0);
        }
    }
    for (size_t i = 0; i < sizeof s_actor_warnings / sizeof s_actor_warnings[0]; i++)
        CHECK_MSG(s_warned(&r, s_actor_warnings[i].line, s_actor_warnings[i].frag),
                  "no warning at line %d with '%s'", s_actor_warnings[i].line,
                  s_actor_warnings[i].frag);

    /* Things that must not be there. */
    CHECK(s_owner(d, "AFTER STOP") == NULL);
    CHECK(s_owner(d, "BAD NAME PERSON") == NULL);
    CHECK(s_owner(d, "BADNAME PERSON") == NULL);
    /* the unusable record's [FRDCOP] did not fall on its neighbour */
    for (size_t i = 0; i < d->nactors; i++)
        for (int j = 0; j < d->actors[i].ncodes; j++)
            CHECK(strcmp(d->actors[i].codes[j].code, "FRDCOP") &&
                  strcmp(d->actors[i].codes[j].code, "ZZZ") &&
                  strcmp(d->actors[i].codes[j].code, "XXXGOV"));
    /* case: "+Free_Donia" upper-cased; a repeated primary's synonym joins the first */
    CHECK(s_owner(d, "FREE DONIA") == s_actor(d, "FREEDONIA"));
    CHECK(s_owner(d, "FREEDONIA NEW ALIAS") == s_actor(d, "FREEDONIA"));
    CHECK(s_owner(d, "GLUED TWO") == s_actor(d, "HALF BRACKET PERSON"));

    /* Every rule of the date ranges, through wt_petrarch_actor_code(). */
    const wt_petrarch_actor_t *rufus = s_actor(d, "RUFUS QUILLFEATHER");
    const wt_petrarch_actor_t *otto = s_actor(d, "OTTO VANDERBLUE");
    const wt_petrarch_actor_t *teo = s_actor(d, "TEODOR SEVEN DIGITS");
    const wt_petrarch_actor_t *env = s_actor(d, "SYLVANIA ENVOY");
    const wt_petrarch_actor_t *none = s_actor(d, "NO CODE AT ALL");
    const struct {
        const wt_petrarch_actor_t *a;
        int32_t date;
        const char *want;
    } when[] = {
        {rufus, 19300101, "FRDELI"}, /* <19321231 */
        {rufus, 19321231, "FRDELI"}, /* inclusive */
        {rufus, 19330101, "FRDGOV"}, /* range start, inclusive */
        {rufus, 19341231, "FRDGOV"},
        {rufus, 19350601, "FRDGOV"}, /* 350101-361231: YY 35 -> 1935 */
        {rufus, 19361231, "FRDGOV"},
        {rufus, 19370101, "FRDELI"}, /* >370101 */
        {rufus, 20200101, "FRDELI"},
        {rufus, 0, "FRDELI"},       /* no date: the open-ended range */
        {otto, 20291215, "SYLGOV"}, /* 29 -> 2029 */
        {otto, 19310601, "SYLELI"}, /* 31 -> 1931 */
        {otto, 19500101, NULL},     /* nothing applies, no default */
        {otto, 0, "SYLGOV"},        /* no date: the range that ends last */
        {env, 19950101, "SYLGOV"},  /* dated range wins over the default */
        {env, 20100101, "---"},     /* else the (last) default */
        {teo, 19990101, "FRDMIL"},  /* 7-digit start left open */
        {teo, 20060301, "FRDMIL"},  /* first range in file order wins */
        {teo, 20070101, "FRDGOV"},  /* 9-digit date read as 20060228 */
        {teo, 20080101, "FRDBUS"},  /* bad start (Feb 30) left open */
        {teo, 20090601, NULL},      /* the reversed range was dropped */
        {teo, 20150101, "FRDOPP"},  /* bare date = from */
        {none, 0, NULL},
        {none, 20000101, NULL},
    };
    for (size_t i = 0; i < sizeof when / sizeof when[0]; i++) {
        if (!when[i].a) {
            CHECK_MSG(0, "case %zu: actor missing", i);
            continue;
        }
        const char *got = wt_petrarch_actor_code(when[i].a, when[i].date);
        if (when[i].want)
            CHECK_MSG(got && !strcmp(got, when[i].want), "%s on %d: %s, expected %s",
                      when[i].a->phrase, (int)when[i].date, got ? got : "NULL", when[i].want);
        else
            CHECK_MSG(got == NULL, "%s on %d: %s, expected NULL", when[i].a->phrase,
                      (int)when[i].date, got);
    }
    wt_petrarch_report_free(&r);
    CHECK(r.warnings == NULL && r.nwarnings == 0);
    wt_petrarch_report_free(&r); /* idempotent */

    /* A second file into the same dictionary: duplicates across files. */
    const char *more =
        "FREEDONIA_ [FRD]\n+BRAND_NEW_NAME_\nMARGOT_TEASDALE_ [FRDGOV 20010101-20051231]\n";
    rc = wt_petrarch_parse(d, "more.actors.txt", more, strlen(more), WT_PETRARCH_AUTO, &r);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(r.actors, 0);
    CHECK_EQ_INT(r.duplicates, 2);
    CHECK(s_warned(&r, 1, "(first at " FIX "test.actors.txt:9)"));
    CHECK_EQ_INT(r.nwarnings, 2); /* same codes again: no second warning */
    CHECK(s_owner(d, "BRAND NEW NAME") == s_actor(d, "FREEDONIA"));
    wt_petrarch_report_free(&r);
    wt_petrarch_dict_destroy(&d);
    CHECK(d == NULL);
    wt_petrarch_dict_destroy(&d);
}

/* ---- agents ---------------------------------------------------------- */

static const struct {
    const char *phrase, *code;
    bool prefix;
    int nplurals;
    const char *plural0;
} s_agent_cases[] = {
    {"BALLOON PILOT", "AVI", false, 1, "BALLOON PILOTS"}, /* +S */
    {"CITY DEPUTY", "GOV", false, 1, "CITY DEPUTIES"},    /* consonant+Y */
    {"CIVIL ENVOY", "GOV", false, 1, "CIVIL ENVOYS"},     /* vowel+Y */
    {"GRASS BOSS", "BUS", false, 1, "GRASS BOSSES"},      /* S */
    {"TRIBUTE TAX", "GOV", false, 1, "TRIBUTE TAXES"},    /* X */
    {"SPORTS COACH", "SPT", false, 1, "SPORTS COACHES"},  /* CH */
    {"MOUSE TAMER", "ANI", false, 2, "MICE TAMERS"},      /* explicit */
    {"WEATHER POLICE", "COP", false, 0, NULL},            /* {} */
    {"KITE LEAGUE", "NGO", true, 1, "KITE LEAGUES"},      /* NGO~ */
    {"FARMHAND", "AGR", false, 0, NULL},                  /* substitution: no plural */
    {"FARMWORKERS", "AGR", false, 0, NULL},
    {"BARNHANDS CHIEF", "AGRGOV", false, 0, NULL},
    {"DUPE AGENT", "GOV", false, 1, "DUPE AGENTS"}, /* first kept */
    {"SPARE KEY", "LEG", false, 1, NULL},           /* [~LEG} */
    {"PLAIN CODE", "GOV", false, 1, NULL},          /* no ~ */
    {"EXTRA TEXT", "GOV", false, 1, NULL},
    {"CARTPERSON", "AGR", false, 0, NULL}, /* redefined set */
    {"CONSEJERO T\xc3\x89"
     "CNICO",
     "GOV", false, 1,
     "CONSEJERO T\xc3\x89"
     "CNICOS"}, /* UTF-8 kept */
};

static void s_test_agents(void)
{
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    wt_petrarch_report_t r;
    int rc = wt_petrarch_read(d, FIX "test.agents.txt", WT_PETRARCH_AUTO, &r);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(r.agents, 23);
    CHECK_EQ_INT(d->nagents, 23);
    CHECK_EQ_INT(r.sets, 2);
    CHECK_EQ_INT(r.duplicates, 5);
    CHECK_EQ_INT(r.nwarnings, 16);
    CHECK_EQ_INT(d->nactors, 0);
    for (size_t i = 0; i < sizeof s_agent_cases / sizeof s_agent_cases[0]; i++) {
        const wt_petrarch_agent_t *a = NULL;
        for (size_t j = 0; j < d->nagents; j++)
            if (!strcmp(d->agents[j].phrase, s_agent_cases[i].phrase)) a = &d->agents[j];
        CHECK_MSG(a != NULL, "agent %s missing", s_agent_cases[i].phrase);
        if (!a) continue;
        CHECK_EQ_STR(a->code, s_agent_cases[i].code);
        CHECK(a->prefix == s_agent_cases[i].prefix);
        CHECK_MSG(a->nplurals == s_agent_cases[i].nplurals, "%s: %d plurals", a->phrase,
                  a->nplurals);
        if (s_agent_cases[i].plural0 && a->nplurals)
            CHECK_EQ_STR(a->plurals[0], s_agent_cases[i].plural0);
    }
    const char *frags[] = {"!NOBODY! is empty",
                           "duplicate agent 'FARMHAND'",
                           "has no [code]",
                           "'{' without '}'",
                           "'}' without '{'",
                           "unknown substitution set '!UNKNOWN!'",
                           "duplicate agent 'DUPE AGENT'",
                           "without '~'",
                           "'G@V' is not a CAMEO code",
                           "text 'tail' after the code",
                           "!HAND! defined again",
                           "double-encoded UTF-8"};
    for (size_t i = 0; i < sizeof frags / sizeof frags[0]; i++) {
        bool found = false;
        for (int j = 0; j < r.nkept; j++)
            found = found || strstr(r.warnings[j], frags[i]) != NULL;
        CHECK_MSG(found, "no warning '%s'", frags[i]);
    }
    wt_petrarch_report_free(&r);
    wt_petrarch_dict_destroy(&d);
}

/* ---- discards -------------------------------------------------------- */

static void s_test_discards(void)
{
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    wt_petrarch_report_t r;
    int rc = wt_petrarch_read_discards(d, FIX "test.discards.txt", &r);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(d->ndiscards, 3);
    CHECK_EQ_INT(r.discards, 3);
    CHECK_EQ_INT(r.duplicates, 1);
    CHECK_EQ_INT(r.nwarnings, 2);
    if (d->ndiscards == 3) {
        CHECK_EQ_STR(d->discards[0].phrase, "INVENTED CUP FINAL");
        CHECK(d->discards[0].story && d->discards[0].stem);
        CHECK_EQ_STR(d->discards[1].phrase, "GLOBBLE BALL");
        CHECK(!d->discards[1].story && !d->discards[1].stem);
        CHECK_EQ_STR(d->discards[2].phrase, "GLOBBLE LEAGUE");
        CHECK(!d->discards[2].story && d->discards[2].stem);
    }
    CHECK(s_warned(&r, 6, "duplicate discard 'GLOBBLE BALL'"));
    CHECK(s_warned(&r, 7, "empty"));
    wt_petrarch_report_free(&r);
    wt_petrarch_dict_destroy(&d);
}

/* ---- buffers and edge cases ------------------------------------------ */

static void s_test_edges(void)
{
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    wt_petrarch_report_t r;
    /* kinds */
    CHECK_EQ_INT(wt_petrarch_read(d, "/nonexistent/x.actors.txt", WT_PETRARCH_AUTO, &r), -ENOENT);
    CHECK_EQ_INT(wt_petrarch_read(d, "tests", WT_PETRARCH_ACTORS, &r), -EISDIR);
    CHECK_EQ_INT(wt_petrarch_parse(d, "Phoenix.IssueCoding.txt", "", 0, WT_PETRARCH_AUTO, &r),
                 -EINVAL);
    CHECK_EQ_INT(wt_petrarch_parse(d, "x", "", 0, (wt_petrarch_kind_t)42, &r), -EINVAL);
    /* size cap: checked before the buffer is read */
    static const char one[1] = {'A'};
    CHECK_EQ_INT(wt_petrarch_parse(d, "big.actors.txt", one, (size_t)WT_PETRARCH_MAX_BYTES + 1,
                                   WT_PETRARCH_ACTORS, &r),
                 WT_ETOOBIG);
    /* empty input, no final newline, CRLF, NUL byte, unclosed comment */
    const char crlf[] = "ALPHA_CRLF_ [AAA]\r\n+BETA_CRLF_\r\n\tGAMMA\r\nNUL\0LINE_ "
                        "[NNN]\nLAST_LINE_ [LLL] <!-- open\nHIDDEN_ [HHH]";
    CHECK_EQ_INT(wt_petrarch_parse(d, "e.actors.txt", "", 0, WT_PETRARCH_ACTORS, &r), 0);
    CHECK_EQ_INT(r.lines, 0);
    wt_petrarch_report_free(&r);
    CHECK_EQ_INT(
        wt_petrarch_parse(d, "e.actors.txt", crlf, sizeof crlf - 1, WT_PETRARCH_ACTORS, &r), 0);
    CHECK(s_actor(d, "ALPHA CRLF") != NULL);
    CHECK(s_owner(d, "BETA CRLF") == s_actor(d, "ALPHA CRLF"));
    CHECK(s_actor(d, "GAMMA") != NULL); /* indented phrase */
    /* GAMMA had no code yet: the next primary shares the codes to come */
    CHECK(s_owner(d, "LAST LINE") == s_actor(d, "GAMMA"));
    CHECK(s_actor(d, "GAMMA") && wt_petrarch_actor_code(s_actor(d, "GAMMA"), 0) &&
          !strcmp(wt_petrarch_actor_code(s_actor(d, "GAMMA"), 0), "LLL"));
    CHECK(s_owner(d, "HIDDEN") == NULL);
    CHECK(s_warned(&r, 4, "NUL byte"));
    CHECK(s_warned(&r, 6, "not closed"));
    wt_petrarch_report_free(&r);

    /* warnings are counted past the kept maximum; rep may be NULL */
    char *many = malloc(400 * 16);
    size_t o = 0;
    for (int i = 0; i < 400; i++)
        o += (size_t)sprintf(many + o, "NO_CODE_%d\n", i);
    CHECK_EQ_INT(wt_petrarch_parse(d, "w.agents.txt", many, o, WT_PETRARCH_AUTO, &r), 0);
    CHECK_EQ_INT(r.nwarnings, 400);
    CHECK_EQ_INT(r.nkept, WT_PETRARCH_MAX_WARNINGS);
    wt_petrarch_report_free(&r);
    CHECK_EQ_INT(wt_petrarch_parse(d, "w.agents.txt", many, o, WT_PETRARCH_AUTO, NULL), 0);
    free(many);

    /* cross product of two substitution sets */
    const char *sets = "!A! = X, Y\n!B! = P, Q, R\n!A!_MID_!B! [~GOV]\n";
    size_t before = d->nagents;
    CHECK_EQ_INT(wt_petrarch_parse(d, "s.agents.txt", sets, strlen(sets), WT_PETRARCH_AUTO, &r), 0);
    CHECK_EQ_INT(d->nagents - before, 6);
    CHECK_EQ_INT(r.nwarnings, 0);
    if (d->nagents - before == 6) {
        CHECK_EQ_STR(d->agents[before].phrase, "X MID P");
        CHECK_EQ_STR(d->agents[before + 5].phrase, "Y MID R");
    }
    wt_petrarch_report_free(&r);
    wt_petrarch_dict_destroy(&d);
}

/* ---- the real Phoenix dictionaries ----------------------------------- */

static bool s_phrase_ok(const char *p)
{
    if (!p || !*p || p[0] == ' ' || p[strlen(p) - 1] == ' ' || strstr(p, "  ")) return false;
    for (const char *c = p; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || *c == '_' || (unsigned char)*c < 0x20) return false;
    return wt_utf8_valid(p, strlen(p)) && !strstr(p, "\xef\xbf\xbd");
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void s_test_phoenix(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/dictionaries/phoenix", wt_test_shared());
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("phoenix: %s absent, real-file check skipped\n", dir);
        return;
    }
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    int files = 0, actors = 0, codes = 0, agents = 0, discards = 0, warnings = 0;
    struct dirent *e;
    char *names[32];
    int nn = 0;
    while ((e = readdir(dh)) && nn < 32)
        if (strstr(e->d_name, ".txt")) names[nn++] = strdup(e->d_name);
    closedir(dh);
    qsort(names, (size_t)nn, sizeof *names, s_cmp); /* same order on every machine */
    for (int i = 0; i < nn; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        wt_petrarch_report_t r;
        int rc = wt_petrarch_read(d, path, WT_PETRARCH_AUTO, &r);
        if (rc == -EINVAL) { /* the issues file is not this reader's */
            printf("phoenix: %s: not an actors/agents/discards file\n", names[i]);
            free(names[i]);
            continue;
        }
        CHECK_MSG(rc == 0, "%s: %s", names[i], wt_strerror(rc));
        printf("phoenix: %-34s lines %6d actors %6d synonyms %5d codes %6d agents %5d sets %d "
               "discards %4d duplicates %5d warnings %5d\n",
               names[i], r.lines, r.actors, r.synonyms, r.codes, r.agents, r.sets, r.discards,
               r.duplicates, r.nwarnings);
        for (int j = 0; j < r.nkept && j < 3; j++)
            printf("    %s\n", r.warnings[j]);
        files++;
        actors += r.actors;
        codes += r.codes;
        agents += r.agents;
        discards += r.discards;
        warnings += r.nwarnings;
        if (strstr(names[i], "Countries")) {
            CHECK(r.actors > 15000 && r.codes > 25000);
            CHECK(r.nwarnings < 500);
        }
        if (strstr(names[i], "International")) CHECK(r.actors > 3000);
        if (strstr(names[i], "MilNonState")) CHECK(r.actors > 500);
        if (strstr(names[i], "agents")) CHECK(r.agents > 2000 && r.sets >= 2);
        if (strstr(names[i], "discards")) CHECK(r.discards > 300);
        wt_petrarch_report_free(&r);
        free(names[i]);
    }
    printf("phoenix: %d files, %d actors, %d codes, %d agents, %d discards, %d warnings\n", files,
           actors, codes, agents, discards, warnings);
    CHECK(files >= 5);
    /* invariants over everything read */
    int bad = 0;
    for (size_t i = 0; i < d->nactors; i++) {
        const wt_petrarch_actor_t *a = &d->actors[i];
        bad += !s_phrase_ok(a->phrase);
        for (int j = 0; j < a->nsynonyms; j++)
            bad += !s_phrase_ok(a->synonyms[j]);
        for (int j = 0; j < a->ncodes; j++) {
            const wt_petrarch_code_t *c = &a->codes[j];
            bad += !*c->code;
            bad += c->from && c->to && c->to < c->from;
            bad += c->from && (c->from < 10000101 || c->from > 29991231);
            bad += c->to && (c->to < 10000101 || c->to > 29991231);
        }
    }
    for (size_t i = 0; i < d->nagents; i++) {
        bad += !s_phrase_ok(d->agents[i].phrase) || !*d->agents[i].code;
        for (int j = 0; j < d->agents[i].nplurals; j++)
            bad += !s_phrase_ok(d->agents[i].plurals[j]);
    }
    for (size_t i = 0; i < d->ndiscards; i++)
        bad += !s_phrase_ok(d->discards[i].phrase);
    CHECK_EQ_INT(bad, 0);
    wt_petrarch_dict_destroy(&d);
}

int main(void)
{
    s_test_actors();
    s_test_agents();
    s_test_discards();
    s_test_edges();
    s_test_phoenix();
    TEST_END();
}

/*  test_words.c: the engine's word table (lib/engine/words.c). The stages
    answer a token from the table's entry when the engine hands them one
    (wt_input_t.words) and from their own tables otherwise (the stage unit
    tests, the issues stage's separate title): both ways must give the same
    result. Each text we write here is tagged by the three stages twice,
    with and without the table, and the two results must serialise to the
    same JSON. The table also answers like the stages for every token, and
    knows nothing of words no stage knows. Dictionaries: the shipped config. */
#include "engine/actors/actors_internal.h"
#include "engine/words.h"
#include "testutil.h"
#include "wiretag/codec.h"
#include "wiretag/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_texts[] = {
    "Chinese Foreign Minister Wang Yi met U.S. Secretary of State Antony Blinken in "
    "Beijing on Monday. \"We want stable relations,\" Wang said, according to a statement.",
    "The central bank raised interest rates again as inflation climbed, the finance minister "
    "told reporters. She said the government would cut taxes and spend more on health care.",
    "Mr. O'Brien, a spokesman for the Kremlin-backed party, said the talks had failed. "
    "\xe2\x80\x9cThere is no deal,\xe2\x80\x9d he told the BBC.\n\nPOLICE ARREST 12 PROTESTERS",
    "Climate change and the war of words over trade dominated the summit in Paris, where "
    "President Emmanuel Macron called for a price on carbon emissions.",
    "Nigeria's health minister, Muhammad Ali Pate, warned that cholera cases had doubled. "
    "According to the World Health Organization, vaccines will arrive next week.",
    "Opposition leaders in Caf\xc3\xa9-Town accused the Prime Minister of lying; the "
    "Labour Party's spokeswoman said voters deserved answers on immigration and housing.",
    /* forms in capitals and in title case, longer than 8 bytes, and last in
       the text (fewer than 8 bytes left to read) */
    "INFLATION, Unemployment and IMMIGRATION: the Senate of France debated Healthcare, "
    "said Senator Jean Dupont of the Greens. \"Voters want lower taxes,\" he said about taxes",
};
#define S_NTEXTS (sizeof s_texts / sizeof s_texts[0])

static wt_actordb_t *g_actors;
static wt_issuedb_t *g_issues;
static wt_quotedb_t *g_quotes;
static wt_words_t *g_words;

/* The three stages on doc, with the per-token entries words (or NULL),
   serialised. */
static char *s_tag_json(const char *text, const wt_doc_t *doc, const wt_word_t *const *words)
{
    wt_actors_ctx_t *ac = wt_actors_ctx_new(g_actors);
    wt_issues_ctx_t *ic = wt_issues_ctx_new(g_issues);
    wt_quotes_ctx_t *qc = wt_quotes_ctx_new(g_quotes);
    wt_result_t res = {0};
    res.item.id = wt_strdup("words-test");
    res.item.text = wt_strdup(text);
    res.item.text_len = strlen(text);
    wt_input_t in = {.doc = doc, .words = words};
    wt_actors_tag(ac, &in, &res);
    wt_issues_tag(ic, &in, &res);
    wt_quotes_tag(qc, &in, &res);
    wt_buf_t b;
    wt_buf_init(&b);
    wt_result_to_json(&res, false, &b);
    char *s = wt_strndup((const char *)b.data, b.size);
    wt_buf_free(&b);
    wt_result_clear(&res);
    wt_actors_ctx_destroy(&ac);
    wt_issues_ctx_destroy(&ic);
    wt_quotes_ctx_destroy(&qc);
    return s;
}

static void s_same_results_test(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    const wt_word_t **words = NULL;
    size_t cap = 0;
    size_t seen[3] = {0, 0, 0};
    for (size_t k = 0; k < S_NTEXTS; k++) {
        const char *text = s_texts[k];
        wt_doc_analyze(&doc, text, strlen(text));
        wt_grow(&words, &cap, doc.ntoks, sizeof *words);
        wt_words_doc(g_words, &doc, words);
        char *with = s_tag_json(text, &doc, words);
        char *without = s_tag_json(text, &doc, NULL);
        CHECK_MSG(strcmp(with, without) == 0, "text %zu:\n with table: %s\n without:    %s", k,
                  with, without);
        /* the texts are chosen to give every stage something to report */
        seen[0] += strstr(with, "\"actors\":[{") != NULL;
        seen[1] += strstr(with, "\"issues\":[{") != NULL;
        seen[2] += strstr(with, "\"quotes\":[{") != NULL;
        free(with);
        free(without);
    }
    CHECK_MSG(seen[0] >= 4 && seen[1] >= 4 && seen[2] >= 4,
              "texts with actors %zu, issues %zu, quotes %zu", seen[0], seen[1], seen[2]);
    free(words);
    wt_doc_free(&doc);
}

/* Every token's entry answers what the stages answer for its hash. */
static void s_answers_test(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    size_t known = 0, total = 0;
    for (size_t k = 0; k < S_NTEXTS; k++) {
        wt_doc_analyze(&doc, s_texts[k], strlen(s_texts[k]));
        for (size_t i = 0; i < doc.ntoks; i++) {
            uint32_t h = doc.toks[i].hash;
            const wt_word_t *w = wt_words_get(g_words, h);
            uint32_t root, cls;
            wt_actors_word(g_actors, h, &root, &cls);
            CHECK_EQ_INT(w->aroot, root);
            CHECK_EQ_INT(w->acls, cls);
            CHECK_EQ_INT(w->qlex, wt_quotes_word(g_quotes, h));
            CHECK_EQ_INT(w->ivid, wt_issues_word(g_issues, h));
            known += w != &wt_words_none;
            total++;
        }
    }
    /* function words, speech verbs and country names are known to some stage */
    CHECK_MSG(known * 2 > total, "%zu of %zu tokens known", known, total);
    const wt_word_t *the = wt_words_get(g_words, wt_text_hash("the", 3));
    CHECK(the->acls & WT_W_ARTICLE);
    CHECK(wt_words_get(g_words, wt_text_hash("said", 4))->qlex != 0);
    CHECK(wt_words_get(g_words, wt_text_hash("china", 5))->aroot != UINT32_MAX);
    CHECK(wt_words_get(g_words, wt_text_hash("inflation", 9))->ivid >= 0);
    /* a word no stage knows */
    const wt_word_t *none = wt_words_get(g_words, wt_text_hash("zqxjvw", 6));
    CHECK(none == &wt_words_none);
    CHECK_EQ_INT(none->aroot, UINT32_MAX);
    CHECK_EQ_INT(none->acls, 0);
    CHECK_EQ_INT(none->qlex, 0);
    CHECK_EQ_INT(none->ivid, -1);
    CHECK(wt_words_count(g_words) > 1000);
    wt_doc_free(&doc);
}

int main(void)
{
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[512] = "";
    g_actors = wt_actordb_new(&cfg, err, sizeof err);
    CHECK_MSG(g_actors != NULL, "%s", err);
    g_issues = wt_issuedb_new(&cfg, err, sizeof err);
    CHECK_MSG(g_issues != NULL, "%s", err);
    g_quotes = wt_quotedb_new(&cfg, err, sizeof err);
    CHECK_MSG(g_quotes != NULL, "%s", err);
    if (g_actors && g_issues && g_quotes) {
        g_words = wt_words_new(g_actors, g_issues, g_quotes);
        s_same_results_test();
        s_answers_test();
        wt_words_destroy(&g_words);
    }
    wt_actordb_destroy(&g_actors);
    wt_issuedb_destroy(&g_issues);
    wt_quotedb_destroy(&g_quotes);
    wt_config_free(&cfg);
    TEST_END();
}

/*  test_text.c: tokenizer, sentence splitter, paragraphs and UTF-8 repair,
    on sentences we wrote. */
#include "testutil.h"
#include "wiretag/text.h"
#include "wiretag/utf8.h"

#include <stdint.h>

/* Tokens joined by '|'. */
static void s_tokens(wt_doc_t *doc, const char *text, char *out, size_t cap)
{
    wt_doc_analyze(doc, text, strlen(text));
    size_t o = 0;
    for (size_t i = 0; i < doc->ntoks && o + 2 < cap; i++) {
        const wt_token_t *t = &doc->toks[i];
        if (i) out[o++] = '|';
        size_t n = t->end - t->start;
        if (o + n + 1 >= cap) break;
        memcpy(out + o, text + t->start, n);
        o += n;
    }
    out[o] = 0;
}

/* Sentences joined by '#'. */
static void s_sentences(wt_doc_t *doc, const char *text, char *out, size_t cap)
{
    wt_doc_analyze(doc, text, strlen(text));
    size_t o = 0;
    for (size_t i = 0; i < doc->nsents; i++) {
        const wt_sentence_t *s = &doc->sents[i];
        if (i) out[o++] = '#';
        size_t n = s->end - s->start;
        if (o + n + 1 >= cap) break;
        memcpy(out + o, text + s->start, n);
        o += n;
    }
    out[o] = 0;
}

static const struct {
    const char *in, *want;
} s_tok_cases[] = {
    {"Mr. Lee met Dr. Ada Obi.", "Mr.|Lee|met|Dr.|Ada|Obi|."},
    {"The U.S. and the U.N. agreed.", "The|U.S.|and|the|U.N.|agreed|."},
    {"Talks on Jan. 5 with Gen. Tomas Reyes", "Talks|on|Jan.|5|with|Gen.|Tomas|Reyes"},
    {"J. R. Tolland spoke", "J.|R.|Tolland|spoke"},
    {"China-US ties and the Xi-Biden call", "China-US|ties|and|the|Xi-Biden|call"},
    {"Sean O'Brien and Biden's aide", "Sean|O'Brien|and|Biden|'s|aide"},
    {"Biden\xE2\x80\x99s plan", "Biden|\xE2\x80\x99s|plan"},
    {"the workers' union", "the|workers|'|union"},
    {"It cost $1,200.50, up 3.5% in 2021.", "It|cost|$|1,200.50|,|up|3.5%|in|2021|."},
    {"\xE2\x80\x9CWe agree,\xE2\x80\x9D she said.",
     "\xE2\x80\x9C|We|agree|,|\xE2\x80\x9D|she|said|."},
    {"\"No,\" he said.", "\"|No|,|\"|he|said|."},
    {"\xC2\xAB"
     "Oui"
     "\xC2\xBB"
     " dit-il",
     "\xC2\xAB|Oui|\xC2\xBB|dit-il"},
    {"``Yes,'' he said", "``|Yes|,|''|he|said"},
    {"war \xE2\x80\x94 again -- and - more", "war|\xE2\x80\x94|again|--|and|-|more"},
    {"don't we're", "don't|we're"},
    {"Wait... what?!", "Wait|...|what|?!"},
    {"St. Petersburg, Ltd. and Inc.", "St.|Petersburg|,|Ltd.|and|Inc."},
    {"Zo\xC3\xAB Dupr\xC3\xA9 visited M\xC3\xBCnchen",
     "Zo\xC3\xAB|Dupr\xC3\xA9|visited|M\xC3\xBCnchen"},
    {"at 10:30 a.m. today", "at|10:30|a.m.|today"},
};

static const struct {
    const char *in, *want;
} s_sent_cases[] = {
    {"He left. She stayed.", "He left.#She stayed."},
    {"Mr. Lee met Dr. Obi. They talked.", "Mr. Lee met Dr. Obi.#They talked."},
    {"\xE2\x80\x9CWe will win.\xE2\x80\x9D The crowd cheered.",
     "\xE2\x80\x9CWe will win.\xE2\x80\x9D#The crowd cheered."},
    {"\"Stop.\" He left.", "\"Stop.\"#He left."},
    {"\"Why?\" he asked. Nobody knew.", "\"Why?\" he asked.#Nobody knew."},
    {"He lives in the U.S. The rest moved.", "He lives in the U.S.#The rest moved."},
    {"The U.S. envoy arrived.", "The U.S. envoy arrived."},
    {"Leaders meet in Oslo\n\nThe summit opened today.",
     "Leaders meet in Oslo#The summit opened today."},
    {"Talks end Jan. 5 in Rome.", "Talks end Jan. 5 in Rome."},
    {"J. R. Tolland won. Others lost.", "J. R. Tolland won.#Others lost."},
    {"(He agreed.) Then he left.", "(He agreed.)#Then he left."},
    {"A line that wraps\nin lower case here.", "A line that wraps\nin lower case here."},
    {"Acme Inc. The firm grew.", "Acme Inc.#The firm grew."},
    {"It rose 3.5 percent. Prices fell.", "It rose 3.5 percent.#Prices fell."},
};

static void s_test_paragraphs(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    const char *t = "Headline here\n\nFirst para. Two sentences.\n\n\nSecond para\nThird para.";
    wt_doc_analyze(&doc, t, strlen(t));
    CHECK_EQ_INT(doc.nparas, 4);
    CHECK_EQ_INT(doc.nsents, 5);
    CHECK_EQ_INT(doc.paras[1].sent_end - doc.paras[1].sent_first, 2);
    CHECK(doc.toks[0].flags & WT_TF_PARA_START);
    CHECK(doc.toks[0].flags & WT_TF_SENT_START);
    /* every token lies inside its sentence and paragraph */
    for (size_t i = 0; i < doc.ntoks; i++) {
        const wt_token_t *k = &doc.toks[i];
        CHECK(k->sent < doc.nsents && k->para < doc.nparas);
        CHECK(doc.sents[k->sent].tok_first <= i && i < doc.sents[k->sent].tok_end);
        CHECK(doc.paras[k->para].tok_first <= i && i < doc.paras[k->para].tok_end);
    }
    wt_doc_free(&doc);
}

static void s_test_flags(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    const char *t = "NATO said \xE2\x80\x9Cno\xE2\x80\x9D to Mr. Xi";
    wt_doc_analyze(&doc, t, strlen(t));
    CHECK(doc.ntoks == 8);
    CHECK(doc.toks[0].flags & WT_TF_ALLCAP);
    CHECK(doc.toks[0].flags & WT_TF_CAP);
    CHECK(doc.toks[1].flags & WT_TF_LOWER);
    CHECK(doc.toks[2].kind == WT_TOK_QUOTE && doc.toks[2].quote == WT_Q_DOUBLE_OPEN &&
          doc.toks[2].qside == WT_QS_OPEN);
    CHECK(doc.toks[4].kind == WT_TOK_QUOTE && doc.toks[4].quote == WT_Q_DOUBLE_CLOSE &&
          doc.toks[4].qside == WT_QS_CLOSE);
    CHECK(doc.toks[6].flags & WT_TF_ABBREV);
    CHECK(doc.toks[6].hash == wt_text_hash("mr.", 3));
    CHECK(doc.toks[0].hash == wt_text_hash("nato", 4));
    /* the hash folds case and ’ */
    CHECK(wt_text_hash("O\xE2\x80\x99"
                       "Brien",
                       9) == wt_text_hash("o'brien", 7));
    /* straight quotes: side from spacing */
    const char *u = "He said \"yes\" twice";
    wt_doc_analyze(&doc, u, strlen(u));
    CHECK(doc.toks[2].qside == WT_QS_OPEN);
    CHECK(doc.toks[4].qside == WT_QS_CLOSE);
    wt_doc_free(&doc);
}

static void s_test_repair(void)
{
    const char bad[] = "ok \xFF\xFE x \xC3( \xE2\x82 end\0tail";
    size_t n = sizeof bad - 1, out_len = 0, invalid = 0;
    char *r = wt_utf8_repair(bad, n, &out_len, &invalid);
    CHECK(wt_utf8_valid(r, out_len));
    CHECK(strlen(r) == out_len); /* NUL replaced */
    CHECK_EQ_INT(invalid, 6);
    CHECK(strstr(r, "tail") != NULL);
    free(r);
    /* valid text is unchanged */
    const char *good = "Zo\xC3\xAB \xE2\x80\x9Chi\xE2\x80\x9D \xF0\x9F\x98\x80";
    r = wt_utf8_repair(good, strlen(good), &out_len, &invalid);
    CHECK_EQ_STR(r, good);
    CHECK_EQ_INT(invalid, 0);
    free(r);
    /* overlong and surrogate forms are invalid */
    CHECK(!wt_utf8_valid("\xC0\xAF", 2));
    CHECK(!wt_utf8_valid("\xED\xA0\x80", 3));
    CHECK(!wt_utf8_valid("\xF4\x90\x80\x80", 4));
    CHECK(wt_utf8_valid("\xF4\x8F\xBF\xBF", 4));
}

/* Encode cp (no checks) into out; returns the length. */
static size_t s_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) return out[0] = (unsigned char)cp, 1;
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The one sequence decoder (wiretag/utf8.h) against the definition: a
   sequence is valid exactly when it is the shortest encoding of a scalar
   value; the text layer's decoder and the validator agree with it. */
static void s_test_utf8_seq(void)
{
    size_t bad = 0;
    /* every scalar value round-trips, even with no byte to spare */
    for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        unsigned char b[4];
        size_t n = s_encode(cp, b);
        uint32_t got = 0;
        if (wt_utf8_seq(b, n, &got) != n || got != cp) bad++;
        if (wt_utf8_seq(b, n - 1, &got) != 0) bad++; /* cut short */
    }
    CHECK_EQ_INT(bad, 0);
    /* every lead byte with every two following bytes (and a fixed fourth):
       valid exactly when re-encoding gives the same bytes */
    for (unsigned lead = 0x80; lead <= 0xFF; lead++)
        for (unsigned b1 = 0; b1 <= 0xFF; b1++)
            for (unsigned b2 = 0; b2 <= 0xFF; b2++) {
                unsigned char s[4] = {(unsigned char)lead, (unsigned char)b1, (unsigned char)b2,
                                      0x9A};
                uint32_t cp = 0;
                size_t n = wt_utf8_seq(s, sizeof s, &cp);
                unsigned char e[4];
                bool canon = n > 0 && !(cp >= 0xD800 && cp <= 0xDFFF) && cp <= 0x10FFFF &&
                             s_encode(cp, e) == n && memcmp(e, s, n) == 0;
                if ((n > 0) != canon) bad++;
                uint32_t dcp;
                int dn = wt_utf8_decode((const char *)s, sizeof s, &dcp);
                if (n ? (dn != (int)n || dcp != cp) : (dn != 1 || dcp != 0xFFFD)) bad++;
                if (wt_utf8_valid((const char *)s, n ? n : 1) != (n > 0)) bad++;
            }
    CHECK_EQ_INT(bad, 0);
    /* the classic cases by name */
    uint32_t cp;
    CHECK_EQ_INT(wt_utf8_seq((const unsigned char *)"\xC0\xAF", 2, &cp), 0);         /* overlong */
    CHECK_EQ_INT(wt_utf8_seq((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);     /* surrogate */
    CHECK_EQ_INT(wt_utf8_seq((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0); /* > 10FFFF */
    CHECK_EQ_INT(wt_utf8_seq((const unsigned char *)"\x80", 1, &cp), 0); /* continuation */
    CHECK_EQ_INT(wt_utf8_seq((const unsigned char *)"\xE2\x80\x9C", 3, &cp), 3);
    CHECK_EQ_INT(cp, 0x201C);
}

static void s_test_hostile(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    /* no spaces, all quotes, one huge token: linear and bounded */
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    wt_doc_analyze(&doc, big, n);
    CHECK_EQ_INT(doc.ntoks, 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 2) ? ' ' : '"';
    wt_doc_analyze(&doc, big, n);
    CHECK_EQ_INT(doc.ntoks, n / 2);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 3 == 2) ? '\n' : '.';
    wt_doc_analyze(&doc, big, n);
    CHECK(doc.ntoks > 0 && doc.nsents > 0);
    /* empty and whitespace-only */
    wt_doc_analyze(&doc, "", 0);
    CHECK_EQ_INT(doc.ntoks, 0);
    CHECK_EQ_INT(doc.nsents, 0);
    wt_doc_analyze(&doc, " \n\n \t", 5);
    CHECK_EQ_INT(doc.ntoks, 0);
    free(big);
    wt_doc_free(&doc);
}

int main(void)
{
    wt_doc_t doc;
    wt_doc_init(&doc);
    char buf[1024];
    for (size_t i = 0; i < sizeof s_tok_cases / sizeof s_tok_cases[0]; i++) {
        s_tokens(&doc, s_tok_cases[i].in, buf, sizeof buf);
        CHECK_MSG(strcmp(buf, s_tok_cases[i].want) == 0, "tokens of [%s]: got [%s] want [%s]",
                  s_tok_cases[i].in, buf, s_tok_cases[i].want);
    }
    for (size_t i = 0; i < sizeof s_sent_cases / sizeof s_sent_cases[0]; i++) {
        s_sentences(&doc, s_sent_cases[i].in, buf, sizeof buf);
        CHECK_MSG(strcmp(buf, s_sent_cases[i].want) == 0, "sentences of [%s]: got [%s] want [%s]",
                  s_sent_cases[i].in, buf, s_sent_cases[i].want);
    }
    wt_doc_free(&doc);
    s_test_paragraphs();
    s_test_flags();
    s_test_repair();
    s_test_utf8_seq();
    s_test_hostile();
    TEST_END();
}

/*  engine.c: the annotation pipeline. The engine owns the read-only stage
    databases; an annotator owns one thread's scratch (document arrays and
    stage contexts). wt_annotate() runs text -> actors -> issues -> quotes. */
#include "wiretag/annotate.h"
#include "engine/stages.h"
#include "engine/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wt_engine {
    wt_actordb_t *actors;
    wt_issuedb_t *issues;
    wt_quotedb_t *quotes;
    wt_words_t *words; /* every stage's answers per token hash (words.h) */
    int64_t max_text;
    char version[96];
};

struct wt_annotator {
    const wt_engine_t *engine;
    wt_doc_t doc;
    wt_actors_ctx_t *actors;
    wt_issues_ctx_t *issues;
    wt_quotes_ctx_t *quotes;
    const wt_word_t **words; /* per token of doc: its word-table entry */
    size_t words_cap;
};

wt_engine_t *wt_engine_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    wt_engine_t *self = wt_calloc(1, sizeof *self);
    self->max_text = cfg->max_text_bytes;
    self->actors = wt_actordb_new(cfg, err, errlen);
    if (!self->actors) goto fail;
    self->issues = wt_issuedb_new(cfg, err, errlen);
    if (!self->issues) goto fail;
    self->quotes = wt_quotedb_new(cfg, err, errlen);
    if (!self->quotes) goto fail;
    self->words = wt_words_new(self->actors, self->issues, self->quotes);
    snprintf(self->version, sizeof self->version, "actors:%08llx;issues:%08llx",
             (unsigned long long)(wt_actordb_hash(self->actors) & 0xffffffffu),
             (unsigned long long)(wt_issuedb_hash(self->issues) & 0xffffffffu));
    return self;
fail:
    wt_engine_destroy(&self);
    return NULL;
}

void wt_engine_destroy(wt_engine_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_engine_t *self = *self_p;
    wt_actordb_destroy(&self->actors);
    wt_issuedb_destroy(&self->issues);
    wt_quotedb_destroy(&self->quotes);
    wt_words_destroy(&self->words);
    free(self);
    *self_p = NULL;
}

const char *wt_engine_dictionaries(const wt_engine_t *self)
{
    return self->version;
}

size_t wt_engine_warnings(const wt_engine_t *self)
{
    return wt_actordb_warnings(self->actors) + wt_issuedb_warnings(self->issues);
}

wt_annotator_t *wt_annotator_new(const wt_engine_t *engine)
{
    wt_annotator_t *self = wt_calloc(1, sizeof *self);
    self->engine = engine;
    wt_doc_init(&self->doc);
    self->actors = wt_actors_ctx_new(engine->actors);
    self->issues = wt_issues_ctx_new(engine->issues);
    self->quotes = wt_quotes_ctx_new(engine->quotes);
    return self;
}

void wt_annotator_destroy(wt_annotator_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_annotator_t *self = *self_p;
    wt_doc_free(&self->doc);
    wt_actors_ctx_destroy(&self->actors);
    wt_issues_ctx_destroy(&self->issues);
    wt_quotes_ctx_destroy(&self->quotes);
    free(self->words);
    free(self);
    *self_p = NULL;
}

/* Headline: when the text's first paragraph is short and has no sentence
   stop, it is the title. */
static uint32_t s_title_end(const wt_doc_t *doc)
{
    if (doc->nparas < 2) return 0;
    const wt_paragraph_t *p = &doc->paras[0];
    if (p->end - p->start > 200 || p->sent_end - p->sent_first != 1 || p->tok_end == p->tok_first)
        return 0;
    const wt_token_t *last = &doc->toks[p->tok_end - 1];
    if (last->flags & WT_TF_STOP) return 0;
    return p->end;
}

int wt_annotate(wt_annotator_t *self, const wt_item_t *item, wt_result_t *res)
{
    int64_t t0 = wt_clock_us();
    if (!item->text) return WT_EMISSING;
    if (self->engine->max_text > 0 && item->text_len > (size_t)self->engine->max_text)
        return WT_ETOOBIG;
    wt_item_copy(&res->item, item);
    wt_item_ensure_id(&res->item);
    /* Decoders refuse invalid UTF-8, but plain-text files reach us as they
       are: repair (U+FFFD for each bad byte, NUL -> space) so that every
       span and every output is valid. */
    if (memchr(res->item.text, 0, res->item.text_len) ||
        !wt_utf8_valid(res->item.text, res->item.text_len)) {
        size_t n = 0, bad = 0;
        char *fixed = wt_utf8_repair(res->item.text, res->item.text_len, &n, &bad);
        free(res->item.text);
        res->item.text = fixed;
        res->item.text_len = n;
    }
    wt_doc_analyze(&self->doc, res->item.text, res->item.text_len);

    /* one probe of the word table per token answers every stage */
    const wt_doc_t *doc = &self->doc;
    wt_grow(&self->words, &self->words_cap, doc->ntoks, sizeof *self->words);
    wt_words_doc(self->engine->words, doc, self->words);

    wt_input_t in = {.doc = &self->doc, .words = self->words, .published = res->item.published};
    if (in.published && strlen(in.published) >= 10)
        in.date =
            atoi(in.published) * 10000 + atoi(in.published + 5) * 100 + atoi(in.published + 8);
    in.title_end = s_title_end(&self->doc);

    wt_actors_tag(self->actors, &in, res);
    wt_issues_tag(self->issues, &in, res);
    wt_quotes_tag(self->quotes, &in, res);

    res->stats.bytes = res->item.text_len;
    res->stats.tokens = self->doc.ntoks;
    res->stats.sentences = self->doc.nsents;
    res->stats.elapsed_us = (uint64_t)(wt_clock_us() - t0);
    res->annotator_version = wt_strdup(WT_VERSION);
    res->annotator_dictionaries = wt_strdup(self->engine->version);
    return 0;
}

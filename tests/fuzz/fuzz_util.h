/*  fuzz_util.h: helpers shared by the libFuzzer harnesses: field-by-field
    comparison of items and results; a mismatch prints what differs and
    aborts (libFuzzer records the input as a crash). */
#ifndef WT_FUZZ_UTIL_H
#define WT_FUZZ_UTIL_H

#include "wiretag/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond, what)                                                                    \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", what, __FILE__, __LINE__);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static inline int fuzz_streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* meta_bytes: compare meta byte for byte (else only presence). */
static inline void fuzz_item_eq(const wt_item_t *a, const wt_item_t *b, int meta_bytes)
{
    FUZZ_ASSERT(fuzz_streq(a->id, b->id), "id");
    FUZZ_ASSERT(fuzz_streq(a->title, b->title), "title");
    FUZZ_ASSERT(fuzz_streq(a->source, b->source), "source");
    FUZZ_ASSERT(fuzz_streq(a->url, b->url), "url");
    FUZZ_ASSERT(fuzz_streq(a->published, b->published), "published");
    FUZZ_ASSERT(fuzz_streq(a->lang, b->lang), "lang");
    FUZZ_ASSERT(a->text_len == b->text_len && !memcmp(a->text, b->text, a->text_len), "text");
    FUZZ_ASSERT((a->meta_len == 0) == (b->meta_len == 0), "meta presence");
    if (meta_bytes)
        FUZZ_ASSERT(a->meta_len == b->meta_len &&
                        (a->meta_len == 0 || !memcmp(a->meta, b->meta, a->meta_len)),
                    "meta bytes");
}

static inline int fuzz_spans_eq(const wt_span_t *a, const wt_span_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].start != b[i].start || a[i].end != b[i].end) return 0;
    return 1;
}

static inline void fuzz_result_eq(const wt_result_t *a, const wt_result_t *b, int meta_bytes)
{
    fuzz_item_eq(&a->item, &b->item, meta_bytes);
    FUZZ_ASSERT(a->has_seq == b->has_seq && a->seq == b->seq, "seq");
    FUZZ_ASSERT(a->actor_count == b->actor_count, "actor count");
    for (size_t i = 0; i < a->actor_count; i++) {
        const wt_actor_t *x = &a->actors[i], *y = &b->actors[i];
        FUZZ_ASSERT(fuzz_streq(x->id, y->id) && fuzz_streq(x->name, y->name) &&
                        x->type == y->type && !strcmp(x->country, y->country) &&
                        fuzz_streq(x->code, y->code) && fuzz_streq(x->role, y->role) &&
                        fuzz_streq(x->wikidata, y->wikidata) && x->known == y->known &&
                        x->salience == y->salience,
                    "actor");
        FUZZ_ASSERT(x->mention_count == y->mention_count &&
                        fuzz_spans_eq(x->mentions, y->mentions, x->mention_count),
                    "actor mentions");
    }
    FUZZ_ASSERT(a->issue_count == b->issue_count, "issue count");
    for (size_t i = 0; i < a->issue_count; i++) {
        const wt_issue_t *x = &a->issues[i], *y = &b->issues[i];
        FUZZ_ASSERT(fuzz_streq(x->id, y->id) && fuzz_streq(x->label, y->label) &&
                        fuzz_streq(x->topic, y->topic) && x->score == y->score &&
                        x->mention_count == y->mention_count &&
                        fuzz_spans_eq(x->mentions, y->mentions, x->mention_count),
                    "issue");
    }
    FUZZ_ASSERT(a->quote_count == b->quote_count, "quote count");
    for (size_t i = 0; i < a->quote_count; i++) {
        const wt_quote_t *x = &a->quotes[i], *y = &b->quotes[i];
        FUZZ_ASSERT(fuzz_spans_eq(&x->span, &y->span, 1) && x->kind == y->kind &&
                        fuzz_streq(x->cue, y->cue) && x->has_speaker == y->has_speaker,
                    "quote");
        if (x->has_speaker)
            FUZZ_ASSERT(fuzz_streq(x->speaker_actor, y->speaker_actor) &&
                            fuzz_spans_eq(&x->speaker, &y->speaker, 1),
                        "speaker");
    }
    FUZZ_ASSERT(!memcmp(&a->stats, &b->stats, sizeof a->stats), "stats");
    FUZZ_ASSERT(fuzz_streq(a->annotator_version, b->annotator_version) &&
                    fuzz_streq(a->annotator_dictionaries, b->annotator_dictionaries),
                "annotator");
}

/* meta of two items rendered as JSON must be the same text */
static inline void fuzz_meta_json_eq(const wt_item_t *a, const wt_item_t *b)
{
    if (!a->meta_len && !b->meta_len) return;
    wt_buf_t x, y;
    wt_buf_init(&x), wt_buf_init(&y);
    FUZZ_ASSERT(wt_msgpack_to_json(a->meta, a->meta_len, &x) == 0, "meta a to json");
    FUZZ_ASSERT(wt_msgpack_to_json(b->meta, b->meta_len, &y) == 0, "meta b to json");
    FUZZ_ASSERT(x.size == y.size && !memcmp(x.data, y.data, x.size), "meta json");
    wt_buf_free(&x), wt_buf_free(&y);
}

#endif

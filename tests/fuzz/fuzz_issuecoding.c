/*  fuzz_issuecoding.c: libFuzzer target for the PETRARCH issue-file reader
    (lib/engine/issues/issuecoding.c) and the issues matcher behind it.

    The input is parsed as an issue file: every expanded form must be
    non-empty, lower-case, single-blank separated, and code lines must have
    a code. The first codes seen are then mapped to CAP topics, the input
    is loaded into an issue db, compiled, and the same bytes (repaired to
    valid UTF-8) are tagged as an article: every mention must lie inside
    the text and every issue carry a valid topic. */
#include "engine/issues/issues_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    char *keys[8];
    int n;
} seen_t;

static int s_check(const wt_issuecoding_entry_t *e, void *ud)
{
    seen_t *s = ud;
    const char *p = e->phrase;
    size_t n = strlen(p);
    if (!n || p[0] == ' ' || p[n - 1] == ' ' || strstr(p, "  ")) abort();
    for (size_t i = 0; i < n; i++)
        if ((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '\t' || p[i] == '\n') abort();
    if (!e->ignore && (!e->code || !*e->code)) abort();
    if (e->ignore && e->code) abort();
    if (!e->category) abort();
    if (e->code && s->n < 8) {
        bool dup = false;
        for (int i = 0; i < s->n; i++)
            dup |= strcmp(s->keys[i], e->code) == 0;
        if (!dup) s->keys[s->n++] = wt_strdup(e->code);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    seen_t seen = {0};
    size_t warn = 0;
    if (wt_issuecoding_parse(buf, size, s_check, &seen, &warn) != 0) abort();

    char *map[2 * 8 + 2] = {0};
    for (int i = 0; i < seen.n; i++) {
        map[2 * i] = seen.keys[i];
        map[2 * i + 1] = (char *)wt_topics[i % 21];
    }
    wt_issuedb_t *db = wt_ixdb_empty();
    wt_issuecoding_load_buffer(db, buf, size, map);
    wt_ixdb_compile(db);
    wt_issues_ctx_t *ctx = wt_issues_ctx_new(db);

    size_t tl = 0, bad = 0;
    char *text = wt_utf8_repair(buf, size, &tl, &bad);
    wt_doc_t doc;
    wt_doc_init(&doc);
    wt_doc_analyze(&doc, text, tl);
    wt_input_t in = {.doc = &doc, .title_end = doc.nparas > 1 ? doc.paras[0].end : 0};
    wt_result_t res;
    memset(&res, 0, sizeof res);
    wt_issues_tag(ctx, &in, &res);
    for (size_t i = 0; i < res.issue_count; i++) {
        const wt_issue_t *is = &res.issues[i];
        if (!wt_topic_valid(is->topic) || !(is->score >= 0)) abort();
        for (size_t m = 0; m < is->mention_count; m++)
            if (is->mentions[m].start >= is->mentions[m].end || is->mentions[m].end > tl) abort();
    }
    wt_result_clear(&res);
    wt_doc_free(&doc);
    free(text);
    wt_issues_ctx_destroy(&ctx);
    wt_issuedb_destroy(&db);
    for (int i = 0; i < seen.n; i++)
        free(seen.keys[i]);
    return 0;
}

/*  fuzz_annotate.c: the whole annotator on arbitrary bytes as article text.

    The engine is loaded once with the shipped dictionaries. Each input is
    repaired to valid UTF-8 (as plain-text files are), annotated, and the
    result checked: every span inside the text and on UTF-8 boundaries,
    every speaker.actor an id in actors[], every topic valid, and the
    MessagePack encoding decodes again. */
#include "fuzz_util.h"
#include "wiretag/annotate.h"
#include "wiretag/text.h"

static wt_engine_t *s_engine;
static wt_annotator_t *s_ann;

static int s_boundary(const char *t, size_t n, uint32_t off)
{
    return off == n || (off < n && ((unsigned char)t[off] & 0xC0) != 0x80);
}

static void s_span(const wt_result_t *r, wt_span_t sp, const char *what)
{
    FUZZ_ASSERT(sp.start <= sp.end && sp.end <= r->item.text_len, what);
    FUZZ_ASSERT(s_boundary(r->item.text, r->item.text_len, sp.start), what);
    FUZZ_ASSERT(s_boundary(r->item.text, r->item.text_len, sp.end), what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s_engine) {
        wt_config_t cfg;
        wt_config_defaults(&cfg);
        char err[512];
        s_engine = wt_engine_new(&cfg, err, sizeof err);
        if (!s_engine) {
            fprintf(stderr, "fuzz_annotate: %s\n", err);
            abort();
        }
        s_ann = wt_annotator_new(s_engine);
        wt_config_free(&cfg);
    }
    if (size > 256 * 1024) return 0;
    wt_item_t item = {0};
    size_t n = 0, bad = 0;
    item.text = wt_utf8_repair((const char *)data, size, &n, &bad);
    item.text_len = n;
    if (n == 0) {
        wt_item_clear(&item);
        return 0;
    }
    item.published = wt_strdup(size > 0 && (data[0] & 1) ? "2015-06-01" : "2022-06-01");
    wt_result_t res = {0};
    int rc = wt_annotate(s_ann, &item, &res);
    FUZZ_ASSERT(rc == 0, "annotate failed on valid text");
    for (size_t i = 0; i < res.actor_count; i++) {
        const wt_actor_t *a = &res.actors[i];
        FUZZ_ASSERT(a->id && a->name, "actor id/name");
        for (size_t k = 0; k < a->mention_count; k++)
            s_span(&res, a->mentions[k], "actor mention span");
    }
    for (size_t i = 0; i < res.issue_count; i++) {
        FUZZ_ASSERT(wt_topic_valid(res.issues[i].topic), "issue topic");
        for (size_t k = 0; k < res.issues[i].mention_count; k++)
            s_span(&res, res.issues[i].mentions[k], "issue mention span");
    }
    for (size_t i = 0; i < res.quote_count; i++) {
        const wt_quote_t *q = &res.quotes[i];
        s_span(&res, q->span, "quote span");
        if (q->has_speaker) {
            s_span(&res, q->speaker, "speaker span");
            if (q->speaker_actor) {
                int found = 0;
                for (size_t k = 0; k < res.actor_count && !found; k++)
                    found = !strcmp(res.actors[k].id, q->speaker_actor);
                FUZZ_ASSERT(found, "speaker.actor not in actors[]");
            }
        }
    }
    wt_buf_t buf;
    wt_buf_init(&buf);
    wt_result_encode(&res, &buf);
    wt_result_t back = {0};
    wt_limits_t lim = wt_limits_default;
    lim.max_text = 1u << 20;
    FUZZ_ASSERT(wt_result_decode(buf.data, buf.size, &lim, &back) == 0, "result re-decodes");
    FUZZ_ASSERT(back.actor_count == res.actor_count && back.quote_count == res.quote_count,
                "result round trip counts");
    wt_result_clear(&back);
    wt_buf_free(&buf);
    wt_result_clear(&res);
    wt_item_clear(&item);
    return 0;
}

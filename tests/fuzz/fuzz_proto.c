/*  fuzz_proto.c: wt_proto_decode on arbitrary bytes (the protocol header is
    the first thing a hostile peer controls). A decoded header must encode
    to bytes that decode to the same header, and then encode to the very
    same bytes; a refused one returns a negative code. */
#include "wiretag/proto.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void s_same(const wt_proto_t *a, const wt_proto_t *b)
{
    FUZZ_ASSERT(a->cmd == b->cmd && a->has == b->has, "cmd/has");
    FUZZ_ASSERT(a->corr == b->corr && a->seq == b->seq && a->job == b->job, "u64 fields");
    FUZZ_ASSERT(a->attempt == b->attempt && a->credit == b->credit && a->threads == b->threads,
                "u32 fields");
    FUZZ_ASSERT(a->from == b->from && a->count == b->count && a->next == b->next &&
                    a->last == b->last && a->first == b->first && a->attempts == b->attempts,
                "range fields");
    FUZZ_ASSERT(a->dup == b->dup, "dup");
    FUZZ_ASSERT(fuzz_streq(a->id, b->id) && fuzz_streq(a->code, b->code) &&
                    fuzz_streq(a->reason, b->reason) && fuzz_streq(a->name, b->name) &&
                    fuzz_streq(a->dictionaries, b->dictionaries),
                "strings");
    FUZZ_ASSERT(a->job_count == b->job_count &&
                    (!a->job_count || !memcmp(a->jobs, b->jobs, a->job_count * sizeof *a->jobs)),
                "jobs");
    FUZZ_ASSERT(a->stats_len == b->stats_len &&
                    (!a->stats_len || !memcmp(a->stats, b->stats, a->stats_len)),
                "stats");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wt_proto_t a = {0}, b = {0};
    int r = wt_proto_decode(data, size, &a);
    if (r == 0) {
        FUZZ_ASSERT(a.version == WT_PROTO_VERSION && a.cmd > WT_CMD_NONE && a.cmd < WT_CMD_COUNT_,
                    "version/cmd");
        wt_buf_t e1, e2;
        wt_buf_init(&e1), wt_buf_init(&e2);
        wt_proto_encode(&a, &e1);
        FUZZ_ASSERT(wt_proto_decode(e1.data, e1.size, &b) == 0, "re-decode");
        s_same(&a, &b);
        wt_proto_encode(&b, &e2);
        FUZZ_ASSERT(e1.size == e2.size && !memcmp(e1.data, e2.data, e1.size), "stable encoding");
        wt_buf_free(&e1), wt_buf_free(&e2);
    } else {
        FUZZ_ASSERT(r < 0, "negative code");
    }
    wt_proto_clear(&a);
    wt_proto_clear(&b);
    return 0;
}

/*  test_proto.c: the protocol header codec: round trips of every command,
    hostile frames (truncated, wrong types, wrong version, unknown command,
    oversized counts, duplicate keys, depth), and multipart framing over an
    inproc socket pair. */
#include "wiretag/proto.h"
#include "testutil.h"

/* Hand-built MessagePack helpers for hostile frames. */
typedef struct {
    uint8_t b[4096];
    size_t n;
} raw_t;

static void r_bytes(raw_t *r, const void *p, size_t n)
{
    memcpy(r->b + r->n, p, n);
    r->n += n;
}
static void r_u8(raw_t *r, uint8_t v)
{
    r->b[r->n++] = v;
}
static void r_str(raw_t *r, const char *s)
{
    size_t n = strlen(s);
    r_u8(r, (uint8_t)(0xa0 | n));
    r_bytes(r, s, n);
}
/* {"v":1,"cmd":cmd} with extra pairs to come: map header of 2+extra */
static void r_head(raw_t *r, int extra, const char *cmd)
{
    r->n = 0;
    r_u8(r, (uint8_t)(0x80 | (2 + extra)));
    r_str(r, "v");
    r_u8(r, 1);
    r_str(r, "cmd");
    r_str(r, cmd);
}

static void test_round_trips(void)
{
    wt_proto_t m = {0}, d = {0};
    wt_buf_t b;
    wt_buf_init(&b);
    uint64_t jobs[] = {1, 300, 70000, 5000000000ull};

    for (int c = WT_CMD_NONE + 1; c < WT_CMD_COUNT_; c++) {
        wt_proto_init(&m, (wt_cmd_t)c);
        m.has = WT_F_CORR | WT_F_SEQ | WT_F_JOB | WT_F_ATTEMPT | WT_F_CREDIT | WT_F_THREADS |
                WT_F_DUP | WT_F_FROM | WT_F_COUNT | WT_F_NEXT | WT_F_LAST | WT_F_FIRST |
                WT_F_ATTEMPTS;
        m.corr = 0xfedcba9876543210ull;
        m.seq = 42;
        m.job = 1ull << 40;
        m.attempt = 3;
        m.credit = 65536;
        m.threads = 4;
        m.dup = true;
        m.from = 7;
        m.count = 100;
        m.next = 200;
        m.last = 0;
        m.first = 1;
        m.attempts = 255;
        wt_proto_set_id(&m, "item-\xc3\xa9-1");
        wt_proto_set_error(&m, WT_ETOOBIG, NULL);
        wt_proto_set_name(&m, "worker one with a name longer than thirty-one bytes");
        wt_proto_set_dictionaries(&m, "actors:2021-09;issues:3");
        wt_proto_set_jobs(&m, jobs, 4);
        uint8_t stats[] = {0x81, 0xa5, 'q', 'u', 'e', 'u', 'e', 0x05};
        wt_proto_set_stats(&m, stats, sizeof stats);
        wt_buf_reset(&b);
        wt_proto_encode(&m, &b);
        int rc = wt_proto_decode(b.data, b.size, &d);
        CHECK_MSG(rc == 0, "%s: %s", wt_proto_cmd_name((wt_cmd_t)c), wt_errname(rc));
        CHECK_EQ_INT(d.cmd, c);
        CHECK_EQ_INT(d.version, 1);
        CHECK_EQ_INT(d.has, m.has);
        CHECK(d.corr == m.corr);
        CHECK(d.job == m.job);
        CHECK_EQ_INT(d.seq, 42);
        CHECK_EQ_INT(d.attempt, 3);
        CHECK_EQ_INT(d.credit, 65536);
        CHECK_EQ_INT(d.threads, 4);
        CHECK(d.dup);
        CHECK_EQ_INT(d.from, 7);
        CHECK_EQ_INT(d.count, 100);
        CHECK_EQ_INT(d.next, 200);
        CHECK_EQ_INT(d.last, 0);
        CHECK_EQ_INT(d.first, 1);
        CHECK_EQ_INT(d.attempts, 255);
        CHECK_EQ_STR(d.id, "item-\xc3\xa9-1");
        CHECK_EQ_STR(d.code, "ETOOBIG");
        CHECK_EQ_STR(d.reason, wt_strerror(WT_ETOOBIG));
        CHECK_EQ_STR(d.name, m.name);
        CHECK_EQ_STR(d.dictionaries, m.dictionaries);
        CHECK_EQ_INT(d.job_count, 4);
        CHECK(d.job_count == 4 && d.jobs[3] == 5000000000ull && d.jobs[1] == 300);
        CHECK(d.stats_len == sizeof stats && memcmp(d.stats, stats, sizeof stats) == 0);
        wt_proto_clear(&d);
    }
    /* minimal headers: only required fields */
    wt_proto_init(&m, WT_CMD_HB);
    wt_buf_reset(&b);
    wt_proto_encode(&m, &b);
    CHECK_EQ_INT(wt_proto_decode(b.data, b.size, &d), 0);
    CHECK_EQ_INT(d.cmd, WT_CMD_HB);
    CHECK_EQ_INT(d.has, 0);
    wt_proto_clear(&d);
    /* empty BYE jobs list */
    wt_proto_init(&m, WT_CMD_BYE);
    wt_proto_set_jobs(&m, NULL, 0);
    wt_buf_reset(&b);
    wt_proto_encode(&m, &b);
    CHECK_EQ_INT(wt_proto_decode(b.data, b.size, &d), 0);
    CHECK(d.has & WT_F_JOBS);
    CHECK_EQ_INT(d.job_count, 0);
    wt_proto_clear(&d);
    wt_proto_clear(&m);
    wt_buf_free(&b);
}

static void test_names(void)
{
    CHECK_EQ_INT(wt_proto_cmd_parse("PUT", 3), WT_CMD_PUT);
    CHECK_EQ_INT(wt_proto_cmd_parse("REPLAY_END", 10), WT_CMD_REPLAY_END);
    CHECK_EQ_INT(wt_proto_cmd_parse("put", 3), WT_CMD_NONE);
    CHECK_EQ_INT(wt_proto_cmd_parse("PU", 2), WT_CMD_NONE);
    CHECK_EQ_STR(wt_proto_cmd_name(WT_CMD_DEAD_ITEM), "DEAD_ITEM");
    CHECK_EQ_STR(wt_proto_cmd_name((wt_cmd_t)999), "?");
}

/* Each hostile case: bytes and the expected error. */
static void expect(const raw_t *r, int want, const char *what)
{
    wt_proto_t d = {0};
    int rc = wt_proto_decode(r->b, r->n, &d);
    CHECK_MSG(rc == want, "%s: got %s want %s", what, wt_errname(rc), wt_errname(want));
    wt_proto_clear(&d);
    /* every strict prefix must fail too, never crash */
    for (size_t k = 0; k < r->n; k++) {
        rc = wt_proto_decode(r->b, k, &d);
        CHECK_MSG(rc != 0, "%s: prefix %zu accepted", what, k);
        wt_proto_clear(&d);
    }
}

static void test_hostile(void)
{
    raw_t r;
    /* wrong version */
    r.n = 0;
    r_u8(&r, 0x82);
    r_str(&r, "v");
    r_u8(&r, 2);
    r_str(&r, "cmd");
    r_str(&r, "HB");
    expect(&r, WT_EVERSION, "v=2");
    /* version as a string */
    r.n = 0;
    r_u8(&r, 0x82);
    r_str(&r, "v");
    r_str(&r, "1");
    r_str(&r, "cmd");
    r_str(&r, "HB");
    expect(&r, WT_EVERSION, "v='1'");
    /* version missing */
    r.n = 0;
    r_u8(&r, 0x81);
    r_str(&r, "cmd");
    r_str(&r, "HB");
    expect(&r, WT_EMISSING, "no v");
    /* unknown command */
    r_head(&r, 0, "FLY");
    expect(&r, WT_ECOMMAND, "cmd FLY");
    /* cmd not a string */
    r.n = 0;
    r_u8(&r, 0x82);
    r_str(&r, "v");
    r_u8(&r, 1);
    r_str(&r, "cmd");
    r_u8(&r, 7);
    expect(&r, WT_ETYPE, "cmd int");
    /* not a map */
    r.n = 0;
    r_u8(&r, 0x92);
    r_u8(&r, 1);
    r_u8(&r, 2);
    expect(&r, WT_ETYPE, "array");
    /* PUT without corr */
    r_head(&r, 0, "PUT");
    expect(&r, WT_EMISSING, "PUT no corr");
    /* corr as string */
    r_head(&r, 1, "PUT");
    r_str(&r, "corr");
    r_str(&r, "x");
    expect(&r, WT_ETYPE, "corr str");
    /* negative corr */
    r_head(&r, 1, "PUT");
    r_str(&r, "corr");
    r_u8(&r, 0xff);
    expect(&r, WT_ETYPE, "corr -1");
    /* credit above u32 */
    r_head(&r, 1, "CREDIT");
    r_str(&r, "credit");
    r_u8(&r, 0xcf);
    r_bytes(&r, "\x00\x00\x00\x01\x00\x00\x00\x00", 8);
    expect(&r, WT_EVALUE, "credit 2^32");
    /* duplicate key */
    r_head(&r, 2, "PUT");
    r_str(&r, "corr");
    r_u8(&r, 1);
    r_str(&r, "corr");
    r_u8(&r, 2);
    expect(&r, WT_EDUPKEY, "dup corr");
    /* integer key */
    r_head(&r, 1, "HB");
    r_u8(&r, 5);
    r_u8(&r, 5);
    expect(&r, WT_EBADKEY, "int key");
    /* map count larger than the bytes left */
    r.n = 0;
    r_u8(&r, 0xdf);
    r_bytes(&r, "\x7f\xff\xff\xff", 4);
    r_str(&r, "v");
    expect(&r, WT_ECOUNT, "map32 huge");
    /* jobs array count larger than the bytes left */
    r_head(&r, 1, "BYE");
    r_str(&r, "jobs");
    r_u8(&r, 0xdd);
    r_bytes(&r, "\x10\x00\x00\x00", 4);
    r_u8(&r, 1);
    expect(&r, WT_ECOUNT, "jobs huge");
    /* jobs with a string inside */
    r_head(&r, 1, "BYE");
    r_str(&r, "jobs");
    r_u8(&r, 0x92);
    r_u8(&r, 1);
    r_str(&r, "2");
    expect(&r, WT_ETYPE, "jobs str");
    /* string length beyond the frame */
    r_head(&r, 1, "ERROR");
    r_str(&r, "code");
    r_u8(&r, 0xd9);
    r_u8(&r, 200);
    r_bytes(&r, "EX", 2);
    expect(&r, WT_ETRUNCATED, "str past end");
    /* invalid UTF-8 and NUL in strings */
    r_head(&r, 1, "ERROR");
    r_str(&r, "code");
    r_u8(&r, 0xa2);
    r_bytes(&r, "\xc3\x28", 2);
    expect(&r, WT_EUTF8, "bad utf8");
    r_head(&r, 1, "ERROR");
    r_str(&r, "code");
    r_u8(&r, 0xa2);
    r_bytes(&r, "E\0", 2);
    expect(&r, WT_ENUL, "nul");
    /* oversized id */
    {
        static uint8_t big[WT_PROTO_MAX_STR + 64];
        size_t n = 0;
        big[n++] = 0x84;
        big[n++] = 0xa1;
        big[n++] = 'v';
        big[n++] = 1;
        big[n++] = 0xa3;
        memcpy(big + n, "cmd", 3);
        n += 3;
        big[n++] = 0xa3;
        memcpy(big + n, "ACK", 3);
        n += 3;
        big[n++] = 0xa4;
        memcpy(big + n, "corr", 4);
        n += 4;
        big[n++] = 1;
        big[n++] = 0xa2;
        big[n++] = 'i';
        big[n++] = 'd';
        big[n++] = 0xda;
        big[n++] = (WT_PROTO_MAX_STR + 1) >> 8;
        big[n++] = (WT_PROTO_MAX_STR + 1) & 0xff;
        memset(big + n, 'a', WT_PROTO_MAX_STR + 1);
        n += WT_PROTO_MAX_STR + 1;
        wt_proto_t d = {0};
        CHECK_EQ_INT(wt_proto_decode(big, n, &d), WT_ETOOBIG);
        wt_proto_clear(&d);
    }
    /* unknown key nested too deep */
    r_head(&r, 1, "HB");
    r_str(&r, "x");
    for (int i = 0; i < WT_MAX_DEPTH + 2; i++)
        r_u8(&r, 0x91);
    r_u8(&r, 0);
    expect(&r, WT_EDEPTH, "deep");
    /* unknown key, well-formed: accepted */
    r_head(&r, 1, "HB");
    r_str(&r, "future");
    r_u8(&r, 0x91);
    r_u8(&r, 0xc0);
    {
        wt_proto_t d = {0};
        CHECK_EQ_INT(wt_proto_decode(r.b, r.n, &d), 0);
        wt_proto_clear(&d);
    }
    /* trailing bytes */
    r_head(&r, 0, "HB");
    r_u8(&r, 0xc0);
    {
        wt_proto_t d = {0};
        CHECK_EQ_INT(wt_proto_decode(r.b, r.n, &d), WT_ETRAILING);
        wt_proto_clear(&d);
    }
    /* reserved byte 0xc1 */
    r.n = 0;
    r_u8(&r, 0xc1);
    expect(&r, WT_ESYNTAX, "0xc1");
    /* stats must be a map */
    r_head(&r, 1, "STATS");
    r_str(&r, "stats");
    r_u8(&r, 0x90);
    expect(&r, WT_ETYPE, "stats array");
    /* corr survives a later error so the broker can echo it */
    r_head(&r, 2, "PUT");
    r_str(&r, "corr");
    r_u8(&r, 99);
    r_str(&r, "id");
    r_u8(&r, 3);
    {
        wt_proto_t d = {0};
        CHECK_EQ_INT(wt_proto_decode(r.b, r.n, &d), WT_ETYPE);
        CHECK(d.has & WT_F_CORR);
        CHECK_EQ_INT(d.corr, 99);
        wt_proto_clear(&d);
    }
    /* every single-byte frame: no crash, never accepted */
    for (int x = 0; x < 256; x++) {
        uint8_t one = (uint8_t)x;
        wt_proto_t d = {0};
        CHECK(wt_proto_decode(&one, 1, &d) != 0);
        wt_proto_clear(&d);
    }
}

static void test_framing(void)
{
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    CHECK_EQ_INT(zmq_bind(router, "inproc://proto"), 0);
    CHECK_EQ_INT(zmq_connect(dealer, "inproc://proto"), 0);

    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_PUT);
    m.has |= WT_F_CORR;
    m.corr = 5;
    CHECK_EQ_INT(wt_proto_send(dealer, &m, "\x81\xa4text\xa2hi", 9), 0);
    wt_proto_in_t in = {0};
    CHECK_EQ_INT(wt_proto_recv(router, true, 0, &in), 0);
    CHECK_EQ_INT(in.frames, 3);
    CHECK(in.envelope_len > 0);
    CHECK_EQ_INT(in.msg.cmd, WT_CMD_PUT);
    CHECK_EQ_INT(in.msg.corr, 5);
    size_t n;
    const uint8_t *p = wt_proto_in_payload(&in, &n);
    CHECK(p && n == 9 && memcmp(p, "\x81\xa4text\xa2hi", 9) == 0);

    /* reply through the envelope */
    wt_proto_t a = {0};
    wt_proto_init(&a, WT_CMD_ACK);
    a.has |= WT_F_CORR | WT_F_SEQ;
    a.corr = 5;
    a.seq = 1;
    wt_proto_set_id(&a, "x");
    CHECK_EQ_INT(wt_proto_send_to(router, in.envelope, in.envelope_len, &a, NULL, 0, 0), 0);
    wt_proto_in_close(&in);
    wt_proto_in_t back = {0};
    CHECK_EQ_INT(wt_proto_recv(dealer, false, 0, &back), 0);
    CHECK_EQ_INT(back.msg.cmd, WT_CMD_ACK);
    CHECK_EQ_STR(back.msg.id, "x");
    CHECK(!back.has_payload);
    wt_proto_in_close(&back);

    /* four frames: rejected, all drained, envelope kept */
    zmq_send(dealer, "a", 1, ZMQ_SNDMORE);
    zmq_send(dealer, "b", 1, ZMQ_SNDMORE);
    zmq_send(dealer, "c", 1, 0);
    zmq_send(dealer,
             "\x82\xa1v\x01\xa3"
             "cmd\xa2HB",
             10, ZMQ_SNDMORE);
    zmq_send(dealer, "p", 1, ZMQ_SNDMORE);
    zmq_send(dealer, "q", 1, 0);
    CHECK_EQ_INT(wt_proto_recv(router, true, 0, &in), WT_EFRAMES);
    wt_proto_in_close(&in);
    CHECK_EQ_INT(wt_proto_recv(router, true, 0, &in), WT_EFRAMES);
    CHECK(in.envelope_len > 0);
    wt_proto_in_close(&in);
    /* nothing left */
    CHECK_EQ_INT(wt_proto_recv(router, true, ZMQ_DONTWAIT, &in), -EAGAIN);
    wt_proto_in_close(&in);
    /* empty frame alone (only the envelope + empty header) */
    zmq_send(dealer, "", 0, 0);
    CHECK_EQ_INT(wt_proto_recv(router, true, 0, &in), WT_ETRUNCATED);
    wt_proto_in_close(&in);

    /* a REQ client: the empty delimiter is skipped and put back in the reply */
    void *req = zmq_socket(ctx, ZMQ_REQ);
    CHECK_EQ_INT(zmq_connect(req, "inproc://proto"), 0);
    wt_proto_init(&m, WT_CMD_STATS);
    CHECK_EQ_INT(wt_proto_send(req, &m, NULL, 0), 0);
    CHECK_EQ_INT(wt_proto_recv(router, true, 0, &in), 0);
    CHECK(in.delimited);
    CHECK_EQ_INT(in.frames, 3);
    CHECK_EQ_INT(in.msg.cmd, WT_CMD_STATS);
    wt_proto_init(&a, WT_CMD_PONG);
    CHECK_EQ_INT(wt_proto_reply(router, &in, &a, NULL, 0, 0), 0);
    wt_proto_in_close(&in);
    CHECK_EQ_INT(wt_proto_recv(req, false, 0, &back), 0);
    CHECK_EQ_INT(back.msg.cmd, WT_CMD_PONG);
    wt_proto_in_close(&back);
    zmq_close(req);

    wt_proto_clear(&m);
    wt_proto_clear(&a);
    zmq_close(dealer);
    zmq_close(router);
    zmq_ctx_term(ctx);
}

/* DONE's optional annotate_us (added after version 1 shipped): round trip,
   absent = not set, and a wrong type is an error like any known field. */
static void test_annotate_us(void)
{
    wt_proto_t m = {0}, d = {0};
    wt_buf_t b;
    wt_buf_init(&b);
    wt_proto_init(&m, WT_CMD_DONE);
    m.has |= WT_F_JOB | WT_F_ANNOTATE_US;
    m.job = 9;
    m.annotate_us = 123456789012ull;
    wt_proto_encode(&m, &b);
    CHECK_EQ_INT(wt_proto_decode(b.data, b.size, &d), 0);
    CHECK(d.has & WT_F_ANNOTATE_US);
    CHECK(d.annotate_us == 123456789012ull);
    wt_proto_clear(&d);
    /* an older worker's DONE: no annotate_us */
    raw_t r;
    r_head(&r, 1, "DONE");
    r_str(&r, "job");
    r_u8(&r, 9);
    CHECK_EQ_INT(wt_proto_decode(r.b, r.n, &d), 0);
    CHECK(!(d.has & WT_F_ANNOTATE_US));
    CHECK_EQ_INT(d.annotate_us, 0);
    wt_proto_clear(&d);
    /* annotate_us as a string */
    r_head(&r, 2, "DONE");
    r_str(&r, "job");
    r_u8(&r, 9);
    r_str(&r, "annotate_us");
    r_str(&r, "12");
    CHECK_EQ_INT(wt_proto_decode(r.b, r.n, &d), WT_ETYPE);
    wt_proto_clear(&d);
    wt_proto_clear(&m);
    wt_buf_free(&b);
}

int main(void)
{
    test_annotate_us();
    test_names();
    test_round_trips();
    test_hostile();
    test_framing();
    TEST_END();
}

/*  test_endpoint.c: endpoint URLs are checked before ZeroMQ sees them
    (issue 13 item 10: port 70000 was bound as 4464, a bind on `localhost`
    failed with "No such device"), a host names the four standard ports,
    and a refusal that names another role is recognised (item 4). */
#include "wiretag/endpoint.h"
#include "testutil.h"

#include <errno.h>

static int s_check(const char *url, bool bind, char *resolved, size_t n)
{
    char err[512] = "";
    int rc = wt_endpoint_check(url, bind, resolved, n, err, sizeof err);
    if (rc) printf("  %-34s %s -> %s\n", url, bind ? "bind   " : "connect", err);
    CHECK(rc == 0 || err[0]);
    return rc;
}

static void test_check(void)
{
    char r[256];
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:5555", false, r, sizeof r), 0);
    CHECK_EQ_STR(r, "tcp://127.0.0.1:5555");
    CHECK_EQ_INT(s_check("tcp://localhost:5555", false, r, sizeof r), 0);
    CHECK_EQ_STR(r, "tcp://localhost:5555"); /* ZeroMQ resolves names on connect */
    CHECK_EQ_INT(s_check("tcp://[::1]:5555", false, NULL, 0), 0);
    CHECK_EQ_INT(s_check("tcp://*:5555", true, r, sizeof r), 0);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:*", true, r, sizeof r), 0);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:0", true, r, sizeof r), 0);
    CHECK_EQ_INT(s_check("tcp://localhost:5555", true, r, sizeof r), 0);
    CHECK_EQ_STR(r, "tcp://127.0.0.1:5555"); /* a bind gets the address */
    CHECK_EQ_INT(s_check("ipc:///tmp/wt.sock", true, r, sizeof r), 0);
    CHECK_EQ_INT(s_check("inproc://x", false, r, sizeof r), 0);

    CHECK_EQ_INT(s_check("tcp://127.0.0.1:70000", true, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:70000", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:0", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:-1", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:55x", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://:5555", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://*:5555", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://127.0.0.1:*", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("tcp://no-such-host.invalid:5555", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("127.0.0.1:5555", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("http://127.0.0.1:5555", false, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("ipc://", true, r, sizeof r), WT_EVALUE);
    CHECK_EQ_INT(s_check("", false, r, sizeof r), WT_EVALUE);

    char err[512];
    wt_endpoint_check("tcp://127.0.0.1:70000", true, NULL, 0, err, sizeof err);
    CHECK_MSG(strstr(err, "70000") && strstr(err, "65535"), "%s", err);
}

static void test_for_host(void)
{
    char out[256];
    CHECK_EQ_INT(wt_endpoint_for_host("broker.example", WT_ROLE_PRODUCERS, out, sizeof out), 0);
    CHECK_EQ_STR(out, "tcp://broker.example:5555");
    CHECK_EQ_INT(wt_endpoint_for_host("10.0.0.7", WT_ROLE_REPLAY, out, sizeof out), 0);
    CHECK_EQ_STR(out, "tcp://10.0.0.7:5558");
    CHECK_EQ_INT(wt_endpoint_for_host("::1", WT_ROLE_SUBSCRIBERS, out, sizeof out), 0);
    CHECK_EQ_STR(out, "tcp://[::1]:5557");
    CHECK_EQ_INT(wt_endpoint_for_host("tcp://x:5555", WT_ROLE_WORKERS, out, sizeof out), WT_EVALUE);
    CHECK_EQ_INT(wt_endpoint_for_host("", WT_ROLE_WORKERS, out, sizeof out), WT_EVALUE);
    /* localhost is loopback without a resolver (no /etc/hosts in a minimal
       root): clients connect to 127.0.0.1 */
    char err[256];
    CHECK_EQ_INT(wt_endpoint_pick("tcp://localhost:6001", NULL, NULL, WT_ROLE_PRODUCERS, out,
                                  sizeof out, err, sizeof err),
                 0);
    CHECK_EQ_STR(out, "tcp://127.0.0.1:6001");
    CHECK_EQ_INT(
        wt_endpoint_pick(NULL, "LocalHost", NULL, WT_ROLE_REPLAY, out, sizeof out, err, sizeof err),
        0);
    CHECK_EQ_STR(out, "tcp://127.0.0.1:5558");
    CHECK_EQ_INT(wt_endpoint_pick("tcp://10.1.2.3:7", NULL, "h", WT_ROLE_REPLAY, out, sizeof out,
                                  err, sizeof err),
                 0);
    CHECK_EQ_STR(out, "tcp://10.1.2.3:7");
}

static void test_refused(void)
{
    char why[1024];
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_ERROR);
    wt_proto_set_code(&m, "EPROTO");
    wt_proto_set_reason(&m, "unknown worker: send READY first");
    wt_proto_set_role(&m, "workers");
    CHECK(wt_endpoint_refused(&m, WT_ROLE_PRODUCERS, "tcp://h:5556", why, sizeof why));
    CHECK_MSG(strstr(why, "tcp://h:5556 is not a producers endpoint"), "%s", why);
    CHECK(!wt_endpoint_refused(&m, WT_ROLE_WORKERS, "tcp://h:5556", why, sizeof why));
    /* an older broker without role: NAK only from producers */
    wt_proto_init(&m, WT_CMD_NAK);
    wt_proto_set_code(&m, "EPROTO");
    CHECK(wt_endpoint_refused(&m, WT_ROLE_WORKERS, "tcp://h:5555", why, sizeof why));
    CHECK(!wt_endpoint_refused(&m, WT_ROLE_PRODUCERS, "tcp://h:5555", why, sizeof why));
    wt_proto_init(&m, WT_CMD_NAK);
    wt_proto_set_code(&m, "EFULL");
    wt_proto_set_role(&m, "producers");
    CHECK(!wt_endpoint_refused(&m, WT_ROLE_PRODUCERS, "tcp://h:5555", why, sizeof why));
    wt_proto_init(&m, WT_CMD_ACK);
    CHECK(!wt_endpoint_refused(&m, WT_ROLE_REPLAY, "tcp://h:5558", why, sizeof why));
    wt_proto_clear(&m);

    /* role survives the codec */
    wt_proto_t a = {0}, b = {0};
    wt_proto_init(&a, WT_CMD_NAK);
    wt_proto_set_error(&a, -EPROTO, "command not allowed on the producers socket");
    wt_proto_set_role(&a, "producers");
    wt_buf_t buf;
    wt_buf_init(&buf);
    wt_proto_encode(&a, &buf);
    CHECK_EQ_INT(wt_proto_decode(buf.data, buf.size, &b), 0);
    CHECK((b.has & WT_F_ROLE) && b.role && !strcmp(b.role, "producers"));
    wt_buf_free(&buf);
    wt_proto_clear(&a);
    wt_proto_clear(&b);
}

int main(void)
{
    test_check();
    test_for_host();
    test_refused();
    TEST_END();
}

/*  test_metrics.c: the Prometheus text writer: exact lines for counters,
    gauges and labels, escaping of hostile label values and help texts,
    histogram buckets (a value equal to a bound falls in that bucket,
    counts are cumulative, +Inf equals _count), NaN and infinities. */
#include "wiretag/metrics.h"
#include "testutil.h"

#include <math.h>

static char *s_str(wt_buf_t *b)
{
    wt_buf_append(b, "", 1);
    b->size--;
    return (char *)b->data;
}

static void test_lines(void)
{
    wt_buf_t b;
    wt_buf_init(&b);
    wt_metrics_family(&b, "wiretag_x_total", "counter", "a help\\text\nwith a newline");
    wt_metrics_u64(&b, "wiretag_x_total", NULL, 18446744073709551615ull);
    const char *l[] = {"code", "EFULL", "worker", "a\"b\\c\nd", NULL};
    wt_metrics_u64(&b, "wiretag_x_total", l, 3);
    CHECK_EQ_STR(s_str(&b), "# HELP wiretag_x_total a help\\\\text\\nwith a newline\n"
                            "# TYPE wiretag_x_total counter\n"
                            "wiretag_x_total 18446744073709551615\n"
                            "wiretag_x_total{code=\"EFULL\",worker=\"a\\\"b\\\\c\\nd\"} 3\n");
    wt_buf_reset(&b);
    wt_metrics_double(&b, "g", NULL, 0.25);
    wt_metrics_double(&b, "g", NULL, 8589934592.0);
    wt_metrics_double(&b, "g", NULL, NAN);
    wt_metrics_double(&b, "g", NULL, INFINITY);
    wt_metrics_double(&b, "g", NULL, -INFINITY);
    const char *empty[] = {NULL};
    wt_metrics_double(&b, "g", empty, 1);
    CHECK_EQ_STR(s_str(&b), "g 0.25\ng 8589934592\ng NaN\ng +Inf\ng -Inf\ng 1\n");
    wt_buf_free(&b);
}

static void test_histogram(void)
{
    static const double bounds[] = {0.001, 0.01, 0.1};
    wt_histogram_t h;
    wt_histogram_init(&h, bounds, 3);
    double obs[] = {0.0005, 0.001, 0.002, 0.01, 0.5, 7, NAN};
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
        wt_histogram_observe(&h, obs[i]);
    CHECK_EQ_INT(h.count, 6); /* NaN is not counted */
    wt_buf_t b;
    wt_buf_init(&b);
    wt_metrics_histogram(&b, "wiretag_t_seconds", "t", &h);
    CHECK_EQ_STR(s_str(&b), "# HELP wiretag_t_seconds t\n"
                            "# TYPE wiretag_t_seconds histogram\n"
                            "wiretag_t_seconds_bucket{le=\"0.001\"} 2\n"
                            "wiretag_t_seconds_bucket{le=\"0.01\"} 4\n"
                            "wiretag_t_seconds_bucket{le=\"0.1\"} 4\n"
                            "wiretag_t_seconds_bucket{le=\"+Inf\"} 6\n"
                            "wiretag_t_seconds_sum 7.5135\n"
                            "wiretag_t_seconds_count 6\n");
    /* more bounds than fit are cut, not overflowed */
    double many[WT_HISTOGRAM_MAX_BUCKETS + 5];
    for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
        many[i] = (double)i;
    wt_histogram_init(&h, many, sizeof many / sizeof many[0]);
    CHECK_EQ_INT(h.nbounds, WT_HISTOGRAM_MAX_BUCKETS);
    wt_histogram_observe(&h, 1e9);
    CHECK_EQ_INT(h.counts[WT_HISTOGRAM_MAX_BUCKETS], 1);
    wt_buf_free(&b);
}

int main(void)
{
    test_lines();
    test_histogram();
    TEST_END();
}

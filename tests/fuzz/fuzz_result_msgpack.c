/*  fuzz_result_msgpack.c: wt_result_decode on arbitrary bytes. A decoded
    result must survive msgpack -> struct and JSON -> struct round trips
    unchanged, and its JSON (compact and pretty) must parse back to it. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wt_result_t a, b, c;
    int r = wt_result_decode(data, size, NULL, &a);
    if (r != 0) {
        FUZZ_ASSERT(r < 0 && a.item.text == NULL && a.actors == NULL, "result left clear");
        return 0;
    }
    wt_buf_t e1, e2, j1, j2;
    wt_buf_init(&e1), wt_buf_init(&e2), wt_buf_init(&j1), wt_buf_init(&j2);
    wt_result_encode(&a, &e1);
    FUZZ_ASSERT(wt_result_decode(e1.data, e1.size, NULL, &b) == 0, "re-decode");
    fuzz_result_eq(&a, &b, 1);
    wt_result_encode(&b, &e2);
    FUZZ_ASSERT(e1.size == e2.size && !memcmp(e1.data, e2.data, e1.size), "stable encoding");

    /* JSON: compact parses back to an equal result (meta compared as JSON,
       float32 becomes float64) and prints the same bytes again */
    wt_result_to_json(&a, false, &j1);
    char err[256];
    r = wt_result_from_json((const char *)j1.data, j1.size, &c, err, sizeof err);
    if (r != 0) {
        fprintf(stderr, "json back: %s\n%.*s\n", err, (int)j1.size, j1.data);
        abort();
    }
    fuzz_result_eq(&a, &c, 0);
    fuzz_meta_json_eq(&a.item, &c.item);
    wt_result_to_json(&c, false, &j2);
    FUZZ_ASSERT(j1.size == j2.size && !memcmp(j1.data, j2.data, j1.size), "json fixed point");
    wt_result_clear(&c);
    wt_buf_reset(&j2);
    wt_result_to_json(&a, true, &j2);
    FUZZ_ASSERT(wt_result_from_json((const char *)j2.data, j2.size, &c, NULL, 0) == 0,
                "pretty back");
    fuzz_result_eq(&a, &c, 0);
    wt_result_clear(&c);

    wt_result_clear(&a);
    wt_result_clear(&b);
    wt_buf_free(&e1), wt_buf_free(&e2), wt_buf_free(&j1), wt_buf_free(&j2);
    return 0;
}

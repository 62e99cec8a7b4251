/*  fuzz_item_json.c: wt_item_from_json on arbitrary bytes. A decoded item
    must round-trip through MessagePack unchanged (meta byte for byte), and
    an annotated item built from it must print as JSON that parses back to
    the same item (this drives the JSON writer's escaping with any text). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wt_item_t a, b;
    char err[256];
    int r = wt_item_from_json((const char *)data, size, NULL, &a, err, sizeof err);
    if (r != 0) {
        FUZZ_ASSERT(r < 0 && a.text == NULL && a.id == NULL, "item left clear");
        FUZZ_ASSERT(err[0] != 0, "error text");
        return 0;
    }
    wt_buf_t e1;
    wt_buf_init(&e1);
    wt_item_encode(&a, &e1);
    FUZZ_ASSERT(wt_item_decode(e1.data, e1.size, NULL, &b) == 0, "msgpack re-decode");
    fuzz_item_eq(&a, &b, 1);
    wt_item_clear(&b);

    /* meta: msgpack -> JSON -> msgpack is the identity for JSON-born meta */
    if (a.meta_len) {
        wt_buf_t j, m;
        wt_buf_init(&j), wt_buf_init(&m);
        FUZZ_ASSERT(wt_msgpack_to_json(a.meta, a.meta_len, &j) == 0, "meta to json");
        FUZZ_ASSERT(wt_json_to_msgpack((const char *)j.data, j.size, &m) == 0, "meta back");
        FUZZ_ASSERT(m.size == a.meta_len && !memcmp(m.data, a.meta, m.size), "meta identity");
        wt_buf_free(&j), wt_buf_free(&m);
    }

    /* as an annotated item with no annotations */
    wt_result_t res, back;
    memset(&res, 0, sizeof res);
    wt_item_copy(&res.item, &a);
    wt_buf_t js;
    wt_buf_init(&js);
    wt_result_to_json(&res, false, &js);
    r = wt_result_from_json((const char *)js.data, js.size, &back, err, sizeof err);
    if (r != 0) {
        fprintf(stderr, "result json back: %s\n", err);
        abort();
    }
    fuzz_item_eq(&res.item, &back.item, 1);
    wt_result_clear(&back);
    wt_result_clear(&res);
    wt_buf_free(&js);
    wt_buf_free(&e1);
    wt_item_clear(&a);
    return 0;
}

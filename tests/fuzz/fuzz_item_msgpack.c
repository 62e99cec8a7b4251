/*  fuzz_item_msgpack.c: wt_item_decode on arbitrary bytes. A decoded item
    must re-encode to bytes that decode to the same item, and then encode to
    the very same bytes; the structural check must agree with the decoder;
    the generic MessagePack -> JSON converter must not crash either. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wt_item_t a, b;
    int r = wt_item_decode(data, size, NULL, &a);
    int check = wt_msgpack_check(data, size, WT_MAX_DEPTH);
    if (r == 0) {
        FUZZ_ASSERT(check == 0, "decoded but check refused");
        FUZZ_ASSERT(a.id && a.text && a.text_len > 0, "required fields");
        wt_buf_t e1, e2;
        wt_buf_init(&e1), wt_buf_init(&e2);
        wt_item_encode(&a, &e1);
        FUZZ_ASSERT(wt_item_decode(e1.data, e1.size, NULL, &b) == 0, "re-decode");
        fuzz_item_eq(&a, &b, 1);
        wt_item_encode(&b, &e2);
        FUZZ_ASSERT(e1.size == e2.size && !memcmp(e1.data, e2.data, e1.size), "stable encoding");
        if (a.meta_len) {
            /* meta -> JSON -> msgpack -> JSON is a fixed point */
            wt_buf_t j1, m, j2;
            wt_buf_init(&j1), wt_buf_init(&m), wt_buf_init(&j2);
            FUZZ_ASSERT(wt_msgpack_to_json(a.meta, a.meta_len, &j1) == 0, "meta to json");
            FUZZ_ASSERT(wt_json_to_msgpack((const char *)j1.data, j1.size, &m) == 0,
                        "meta json back");
            FUZZ_ASSERT(wt_msgpack_to_json(m.data, m.size, &j2) == 0, "meta to json 2");
            FUZZ_ASSERT(j1.size == j2.size && !memcmp(j1.data, j2.data, j1.size), "meta json");
            wt_buf_free(&j1), wt_buf_free(&m), wt_buf_free(&j2);
        }
        wt_item_clear(&a);
        wt_item_clear(&b);
        wt_buf_free(&e1), wt_buf_free(&e2);
    } else {
        FUZZ_ASSERT(a.text == NULL && a.id == NULL && a.meta == NULL, "item left clear");
        FUZZ_ASSERT(r < 0, "negative code");
    }
    wt_buf_t js;
    wt_buf_init(&js);
    int rj = wt_msgpack_to_json(data, size, &js);
    FUZZ_ASSERT(rj != 0 || check == 0, "to_json accepted what check refused");
    if (rj != 0) FUZZ_ASSERT(js.size == 0, "to_json wrote on failure");
    wt_buf_free(&js);
    return 0;
}

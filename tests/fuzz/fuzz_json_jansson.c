/*  fuzz_json_jansson.c: the JSON reader (yajl and our checks) against
    jansson, the reader it replaced, on arbitrary bytes. Both accept the
    same documents, and an accepted one gives the MessagePack of jansson's
    tree packed by msgpack-c, byte for byte; a refused one leaves the
    output buffer as it was. (Within the limits that come first: input
    nested deeper than WT_MAX_DEPTH, and raw NUL bytes, are refused before
    either parser.) */
#include "../jansson_ref.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* deeper than the limit: refused by the pre-scan, jansson not asked */
    int depth = 0, max = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '[' || data[i] == '{') depth++;
        if (data[i] == ']' || data[i] == '}') depth--;
        if (depth > max) max = depth;
    }
    wt_buf_t mp;
    wt_buf_init(&mp);
    wt_buf_append(&mp, "k", 1);
    int r = wt_json_to_msgpack((const char *)data, size, &mp);
    FUZZ_ASSERT(r <= 0, "a code");
    if (r) FUZZ_ASSERT(mp.size == 1, "nothing appended on failure");
    /* a raw NUL byte is refused before either parser (jansson would take
       one after the value for the end of the input) */
    if (size && memchr(data, 0, size)) FUZZ_ASSERT(r == WT_ENUL, "raw NUL refused");
    if (max > WT_MAX_DEPTH || (size && memchr(data, 0, size))) {
        /* (brackets in strings count here: an upper bound) */
        wt_buf_free(&mp);
        return 0;
    }
    json_error_t e;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    FUZZ_ASSERT((j != NULL) == (r == 0), "yajl and jansson agree on acceptance");
    if (j) {
        wt_buf_t ref;
        wt_buf_init(&ref);
        wt_jansson_ref_msgpack(j, &ref);
        FUZZ_ASSERT(ref.size + 1 == mp.size && !memcmp(ref.data, mp.data + 1, ref.size),
                    "the same MessagePack as jansson's tree");
        wt_buf_free(&ref);
        json_decref(j);
    }
    wt_buf_free(&mp);
    return 0;
}

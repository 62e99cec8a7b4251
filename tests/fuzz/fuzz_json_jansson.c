/*  fuzz_json_jansson.c: the JSON reader (yajl and our checks) against
    jansson, the reader it replaced, on arbitrary bytes. Both accept the
    same documents, and an accepted one gives the MessagePack of jansson's
    tree packed by msgpack-c, byte for byte; a refused one leaves the
    output buffer as it was. (Within the limits that come first: input
    nested deeper than WT_MAX_DEPTH, and raw NUL bytes, are refused before
    either parser.) */
#include "fuzz_util.h"

#include <jansson.h>
#include <msgpack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int s_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

static void s_pack(msgpack_packer *pk, json_t *j)
{
    const char *k;
    size_t klen, i;
    json_t *v;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        msgpack_pack_map(pk, json_object_size(j));
        json_object_keylen_foreach(j, k, klen, v)
        {
            msgpack_pack_str_with_body(pk, k, klen);
            s_pack(pk, v);
        }
        break;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(j));
        json_array_foreach(j, i, v) s_pack(pk, v);
        break;
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        msgpack_pack_int64(pk, json_integer_value(j));
        break;
    case JSON_REAL:
        msgpack_pack_double(pk, json_real_value(j));
        break;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        break;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        break;
    case JSON_NULL:
        msgpack_pack_nil(pk);
        break;
    }
}

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
        msgpack_packer pk;
        msgpack_packer_init(&pk, &ref, s_write);
        s_pack(&pk, j);
        FUZZ_ASSERT(ref.size + 1 == mp.size && !memcmp(ref.data, mp.data + 1, ref.size),
                    "the same MessagePack as jansson's tree");
        wt_buf_free(&ref);
        json_decref(j);
    }
    wt_buf_free(&mp);
    return 0;
}

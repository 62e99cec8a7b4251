/*  jansson_ref.h: the reference for the JSON reader (yajl and our checks):
    jansson's tree of a document packed by msgpack-c, which is what the
    reader before it produced. Shared by test_json and fuzz_json_jansson;
    header-only, as each is one translation unit. */
#ifndef WT_TESTS_JANSSON_REF_H
#define WT_TESTS_JANSSON_REF_H

#include "wiretag/codec.h"

#include <jansson.h>
#include <msgpack.h>

static int s_jref_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

static void s_jref_pack(msgpack_packer *pk, json_t *j)
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
            s_jref_pack(pk, v);
        }
        break;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(j));
        json_array_foreach(j, i, v) s_jref_pack(pk, v);
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

/* Append the MessagePack of jansson's tree j to out. */
static inline void wt_jansson_ref_msgpack(json_t *j, wt_buf_t *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, s_jref_write);
    s_jref_pack(&pk, j);
}

#endif

/*  json.h: JSON in (one input item per object / line; parsed by yajl,
    libyajl-dev) and out (the annotated item with byte-exact field names,
    written by our own writer).

    Input is strict: an object with a non-empty string `text`; optional string
    fields; `published` as YYYY-MM-DD or ISO 8601; `meta` any JSON value,
    carried as MessagePack; invalid UTF-8 and \u0000 are refused; nesting
    deeper than WT_MAX_DEPTH is refused.
*/
#ifndef WT_JSON_H
#define WT_JSON_H

#include "wiretag/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode one JSON object (no trailing garbage except whitespace) into *item
   (which must be clear). On failure returns a WT_E* code and, when errbuf is
   not NULL, writes a one-line reason (with column) into it. */
int wt_item_from_json(const char *json, size_t n, const wt_limits_t *limits, wt_item_t *item,
                      char *errbuf, size_t errlen);

/* Append the annotated item as one line of JSON (no newline) to out;
   pretty = indented, multi-line. */
void wt_result_to_json(const wt_result_t *res, bool pretty, wt_buf_t *out);

/* Parse an annotated item from JSON (for tests and clients). */
int wt_result_from_json(const char *json, size_t n, wt_result_t *res, char *errbuf, size_t errlen);

/* Convert between JSON text of any value and raw MessagePack (meta pass-through). */
int wt_json_to_msgpack(const char *json, size_t n, wt_buf_t *out);
int wt_msgpack_to_json(const uint8_t *data, size_t n, wt_buf_t *out);

#ifdef __cplusplus
}
#endif
#endif

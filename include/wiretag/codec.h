/*  codec.h: MessagePack encoding of the input item and the annotated item.

    Input is hostile: decoders check types, required keys, sizes, container
    counts against the bytes left (before anything is allocated), nesting
    depth (WT_MAX_DEPTH), trailing bytes, UTF-8 and NUL bytes; each failure is
    a distinct negative WT_E* code. Decoders never log and never abort on
    input. Encoders write into a growable buffer.

    Input item map:   {text, id?, title?, source?, url?, published?, lang?, meta?}
    Annotated item:   the ARCHITECTURE.md map (id, seq?, source, url, title,
                      published, text, actors, issues, quotes, stats, annotator)
*/
#ifndef WT_CODEC_H
#define WT_CODEC_H

#include "wiretag/item.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A growable byte buffer. */
typedef struct {
    uint8_t *data;
    size_t size, cap;
} wt_buf_t;

void wt_buf_init(wt_buf_t *b);
void wt_buf_free(wt_buf_t *b);
void wt_buf_reset(wt_buf_t *b);
void wt_buf_append(wt_buf_t *b, const void *data, size_t n);
/* Append printf-formatted text (no terminating NUL). */
void wt_buf_printf(wt_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Decode an input item from [data, data+n). On success *item (which must be
   clear) owns copies of every field, and the id is set (generated from the
   text when absent). On failure *item is left clear. limits may be NULL. */
int wt_item_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item);
/* Append the MessagePack encoding of item to out. */
void wt_item_encode(const wt_item_t *item, wt_buf_t *out);

/* Decode / encode an annotated item. Spans are checked against the text. */
int wt_result_decode(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_result_t *res);
void wt_result_encode(const wt_result_t *res, wt_buf_t *out);

/* As above, and on failure write a one-line reason naming the field
   ("actors[2].mentions[0].start: a value is malformed ...") into errbuf
   (may be NULL). */
int wt_item_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_item_t *item,
                      char *errbuf, size_t errlen);
int wt_result_decode_ex(const uint8_t *data, size_t n, const wt_limits_t *limits, wt_result_t *res,
                        char *errbuf, size_t errlen);

/* Validate that [data, data+n) is exactly one well-formed MessagePack value
   within depth and count limits (used for `meta` and by the broker). */
int wt_msgpack_check(const uint8_t *data, size_t n, int max_depth);

#ifdef __cplusplus
}
#endif
#endif

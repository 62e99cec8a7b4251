/*  format_int.h: what the files of lib/format share (not installed).

    1. The schema of the annotated item (schema.c): one table per map of the
       ARCHITECTURE.md contract, in wire order. The MessagePack writer and
       decoder (codec.c) and the JSON writer (json.c) walk these tables, so
       a field is added, renamed or moved in one place. The JSON readers
       convert to MessagePack first and so use the same decoder.
    2. The MessagePack cursor reader (codec.c) that the strict decoders and
       the MessagePack-to-JSON converter (json.c) read with.
    3. wt_buf_reserve (codec.c): room for n more bytes at once;
       wt_name_index (item.c): the index of a name in a list (enums, topics).
*/
#ifndef WT_FORMAT_INT_H
#define WT_FORMAT_INT_H

#include "wiretag/codec.h"

#include <string.h>

/* ---------------------------------------------------------------- schema */

/* How a field's value is stored (at base + off) and written. */
typedef enum {
    WT_FT_STR,        /* char *: NULL is null, or "" with WT_FF_NOTNULL */
    WT_FT_TEXT,       /* the item text: char *, length (size_t) at aux */
    WT_FT_COUNTRY,    /* char[4], ISO 3166-1 alpha-3; "" is null */
    WT_FT_BOOL,       /* bool */
    WT_FT_U32,        /* uint32_t */
    WT_FT_U64,        /* uint64_t */
    WT_FT_DOUBLE,     /* double, written as a float (non-finite as 0.0) */
    WT_FT_ACTOR_TYPE, /* wt_actor_type_t, written as its name */
    WT_FT_QUOTE_KIND, /* wt_quote_kind_t, written as its name */
    WT_FT_TOPIC,      /* char *: one of wt_topics[] */
    WT_FT_SLICE,      /* the text of the wt_span_t at off: written from the
                         item text, checked against it on decode */
    WT_FT_ARRAY,      /* array of sub's structs: pointer at off, count
                         (size_t) at aux, capacity (size_t) at aux2 */
    WT_FT_OBJ,        /* map of sub's fields on the struct at base + off */
    WT_FT_OBJ_OPT,    /* as WT_FT_OBJ when the bool at aux is true, else null */
    WT_FT_META,       /* raw MessagePack map: pointer at off, length at aux */
} wt_ftype_t;

enum {
    WT_FF_NOTNULL = 1,  /* strings: never null (NULL written as ""; nil refused) */
    WT_FF_NONEMPTY = 2, /* strings: "" refused on decode */
    WT_FF_REQUIRED = 4, /* decode: the key must be present */
    WT_FF_OMIT = 8,     /* absent when empty: NULL string, meta without
                           bytes, or (U64) the bool at aux false */
    WT_FF_ITEM = 16,    /* an input-item field: decoded by the item reader
                           shared with wt_item_decode (codec.c) */
};

typedef struct wt_schema wt_schema_t;

/* Names are short (< 16 bytes) and padded with NULs, so that the writers
   copy a fixed 16 bytes (inlined) and advance by len. */
typedef struct {
    char name[16];
    char jkey[20]; /* ",\"name\":" for the JSON writer (from jkey + 1 when
                      first in its map) */
    uint8_t len;   /* strlen(name) */
    uint8_t type;  /* wt_ftype_t */
    uint8_t flags; /* WT_FF_* */
    uint16_t off, aux, aux2;
    const wt_schema_t *sub;
} wt_field_t;

struct wt_schema {
    const wt_field_t *fields;
    uint8_t count;
    bool omits;  /* some field has WT_FF_OMIT: count the map's pairs */
    size_t size; /* sizeof the struct of an array element */
    int slice;   /* index of the WT_FT_SLICE field, or -1 */
};

/* The annotated item (wt_result_t) and its parts. */
extern const wt_schema_t wt_schema_result;
extern const wt_schema_t wt_schema_actor, wt_schema_issue, wt_schema_quote, wt_schema_speaker,
    wt_schema_mention, wt_schema_stats, wt_schema_annotator;

/* Index of the field named [k, k+n) in s, or -1. */
static inline int wt_schema_find(const wt_schema_t *s, const uint8_t *k, size_t n)
{
    if (n == 0 || n >= sizeof s->fields[0].name) return -1;
    for (int i = 0; i < s->count; i++) {
        const wt_field_t *f = &s->fields[i];
        if (f->len == n && f->name[0] == (char)k[0] && memcmp(f->name, k, n) == 0) return i;
    }
    return -1;
}
/* Is the field at base present on the wire (WT_FF_OMIT)? */
static inline bool wt_field_present(const wt_field_t *f, const char *base)
{
    if (!(f->flags & WT_FF_OMIT)) return true;
    switch (f->type) {
    case WT_FT_U64:
        return *(const bool *)(base + f->aux);
    case WT_FT_META:
        return *(uint8_t *const *)(base + f->off) && *(const size_t *)(base + f->aux);
    default:
        return *(char *const *)(base + f->off) != NULL;
    }
}

/* The text of a string, topic, country or enum field, NULL for null (a
   NULL WT_FF_NOTNULL string gives ""). */
static inline const char *wt_field_str(const wt_field_t *f, const char *base)
{
    const char *s;
    switch (f->type) {
    case WT_FT_COUNTRY:
        s = base + f->off;
        return s[0] ? s : NULL;
    case WT_FT_ACTOR_TYPE:
        return wt_actor_type_name(*(const wt_actor_type_t *)(base + f->off));
    case WT_FT_QUOTE_KIND:
        return wt_quote_kind_name(*(const wt_quote_kind_t *)(base + f->off));
    default:
        s = *(char *const *)(base + f->off);
        return s || !(f->flags & WT_FF_NOTNULL) ? s : "";
    }
}

/* ---------------------------------------------------------------- reader */

typedef enum {
    WT_MP_NIL,
    WT_MP_BOOL,
    WT_MP_UINT,
    WT_MP_INT,
    WT_MP_FLOAT,
    WT_MP_STR,
    WT_MP_BIN,
    WT_MP_EXT,
    WT_MP_ARRAY,
    WT_MP_MAP
} wt_mp_kind_t;

/* One decoded header. Non-negative integers are always WT_MP_UINT,
   negative ones WT_MP_INT. len is the payload size (str/bin/ext) or element
   count (array: elements, map: pairs). */
typedef struct {
    wt_mp_kind_t kind;
    bool b;
    uint64_t u;
    int64_t i;
    double f;
    const uint8_t *ptr;
    uint32_t len;
} wt_mp_val_t;

typedef struct {
    const uint8_t *p, *end;
} wt_mp_rd_t;

/* Read one header (and step over a str/bin/ext payload, which v->ptr then
   points at). Container counts are checked against the bytes left
   (WT_ECOUNT); WT_ETRUNCATED, WT_ESYNTAX (0xc1). */
int wt_mp_head(wt_mp_rd_t *rd, wt_mp_val_t *v);
/* A string value: type, size, emptiness, NUL, UTF-8 (in that order). */
int wt_mp_str(const wt_mp_val_t *v, size_t max, bool nonempty);

/* Index of s in names[0..n), or -1 (item.c). */
int wt_name_index(const char *const *names, int n, const char *s);

/* ---------------------------------------------------------------- buffer */

void wt_buf_reserve(wt_buf_t *b, size_t n);

#endif

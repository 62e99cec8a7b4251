/*  item.h: the input item and the annotated item (the output contract).

    Field names and meanings are fixed by ARCHITECTURE.md. All spans are byte
    offsets into the item's UTF-8 text, end exclusive. Every string here is
    owned by the struct that holds it (malloc'd, NUL-terminated); the
    wt_*_clear() functions free them and leave the struct zeroed and reusable.
*/
#ifndef WT_ITEM_H
#define WT_ITEM_H

#include "wiretag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Input item. text is required; every other field may be NULL. */
typedef struct {
    char *id; /* generated from a hash of the text when absent */
    char *title;
    char *source;
    char *url;
    char *published;        /* normalised on decode: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ (UTC) */
    bool published_invalid; /* the item had a `published` we could not read: kept as NULL */
    char *lang;
    char *text; /* UTF-8, NUL-terminated, text_len bytes (no NUL inside) */
    size_t text_len;
    uint8_t *meta; /* the `meta` map as raw MessagePack bytes, passed through */
    size_t meta_len;
} wt_item_t;

typedef enum { WT_ACTOR_PERSON = 0, WT_ACTOR_ORGANIZATION, WT_ACTOR_COUNTRY } wt_actor_type_t;
typedef enum { WT_QUOTE_DIRECT = 0, WT_QUOTE_PARTIAL, WT_QUOTE_INDIRECT } wt_quote_kind_t;

/* A mention: text[start, end). Its "text" on the wire is that slice. */
typedef struct {
    uint32_t start, end;
} wt_span_t;

typedef struct {
    char *id;   /* canonical id ("xi_jinping"), or a per-item id for unknown actors */
    char *name; /* canonical name */
    wt_actor_type_t type;
    char country[4]; /* ISO 3166-1 alpha-3 or "" (null) */
    char *code;      /* CAMEO code or NULL */
    char *role;      /* role title ("President") or NULL */
    char *wikidata;  /* "Q15031" or NULL */
    bool known;      /* true when it comes from a dictionary */
    double salience; /* 0..1 */
    wt_span_t *mentions;
    size_t mention_count, mention_cap;
} wt_actor_t;

typedef struct {
    char *id;
    char *label;
    char *topic; /* one of the 21 CAP major topic ids */
    double score;
    wt_span_t *mentions;
    size_t mention_count, mention_cap;
} wt_issue_t;

typedef struct {
    wt_span_t span; /* the quoted words (no marks, no trailing comma) */
    wt_quote_kind_t kind;
    char *cue;           /* the cue verb as written ("said") or NULL */
    bool has_speaker;    /* false: "speaker": null */
    char *speaker_actor; /* id of an entry in actors[], or NULL (unnamed speaker) */
    wt_span_t speaker;   /* the speaker's words in the text */
} wt_quote_t;

typedef struct {
    uint64_t bytes, tokens, sentences, elapsed_us;
} wt_stats_t;

/* The annotated item. The input fields are copied (owned) into `item`. */
typedef struct {
    wt_item_t item;
    bool has_seq; /* seq is absent in offline mode */
    uint64_t seq;
    wt_actor_t *actors;
    size_t actor_count, actor_cap;
    wt_issue_t *issues;
    size_t issue_count, issue_cap;
    wt_quote_t *quotes;
    size_t quote_count, quote_cap;
    wt_stats_t stats;
    char *annotator_version;
    char *annotator_dictionaries;
} wt_result_t;

/* Free every owned field; the struct is zeroed and can be reused. */
void wt_item_clear(wt_item_t *item);
void wt_result_clear(wt_result_t *res);
/* Deep copy (dst must be clear). */
void wt_item_copy(wt_item_t *dst, const wt_item_t *src);

/* Append an empty element and return it (arrays grow geometrically). */
wt_actor_t *wt_result_add_actor(wt_result_t *res);
wt_issue_t *wt_result_add_issue(wt_result_t *res);
wt_quote_t *wt_result_add_quote(wt_result_t *res);
void wt_actor_add_mention(wt_actor_t *a, uint32_t start, uint32_t end);
void wt_issue_add_mention(wt_issue_t *is, uint32_t start, uint32_t end);

/* Names on the wire. */
const char *wt_actor_type_name(wt_actor_type_t t);
int wt_actor_type_parse(const char *s, wt_actor_type_t *out);
const char *wt_quote_kind_name(wt_quote_kind_t k);
int wt_quote_kind_parse(const char *s, wt_quote_kind_t *out);
/* True when s is one of the 21 CAP major topic ids. */
bool wt_topic_valid(const char *s);
extern const char *const wt_topics[21];

/* If item->id is NULL, set it to "h" + 16 hex digits of a hash of the text. */
void wt_item_ensure_id(wt_item_t *item);
/* Normalise a date ("YYYY-MM-DD" or ISO 8601 with time) to a new
   "YYYY-MM-DD" string in out[11]; -WT_EVALUE style error when malformed. */
int wt_date_normalize(const char *s, char out[11]);
/* Parse a date in ISO 8601 ("2021-09-10", "2021-9-10", "2021-09-10T08:00:00+02:00",
   "2021-09-10 08:00Z") or RFC 2822 ("Fri, 10 Sep 2021 08:00:00 GMT",
   "10 Sep 2021") and write it to out (at least 21 bytes) as "YYYY-MM-DD"
   when it has no time, else as UTC "YYYY-MM-DDTHH:MM:SSZ" (a time without
   zone is taken as UTC). Impossible dates (2021-02-30, 25:00) are
   WT_EVALUE, as is anything else. */
int wt_date_parse(const char *s, char *out, size_t outlen);

/* Limits applied by every decoder (configurable upward only by the codec's
   caller through wt_limits_t). */
typedef struct {
    size_t max_text;     /* default 1 MiB */
    size_t max_field;    /* other strings, default 4 KiB */
    size_t max_meta;     /* raw bytes of meta, default 64 KiB */
    size_t max_elements; /* actors/issues/quotes/mentions per result, default 100000 */
} wt_limits_t;
extern const wt_limits_t wt_limits_default;

#ifdef __cplusplus
}
#endif
#endif

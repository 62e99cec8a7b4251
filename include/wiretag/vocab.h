/*  vocab.h: the values a filter may name, from the dictionaries a worker
    uses: actor ids and names, country codes, issue ids and labels, CAP
    topics. `wiretag sub --actor/--country/--issue/--topic` check their
    values here so that a typo is an error with a suggestion ("--country
    US: not an ISO 3166-1 alpha-3 code; did you mean USA?") instead of a
    filter that silently matches nothing. Matching is case-insensitive.
*/
#ifndef WT_VOCAB_H
#define WT_VOCAB_H

#include "wiretag/config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WT_VOCAB_ACTOR, WT_VOCAB_COUNTRY, WT_VOCAB_ISSUE, WT_VOCAB_TOPIC } wt_vocab_kind_t;

typedef struct wt_vocab_t wt_vocab_t;

/* Load the actor and issue dictionaries of cfg (only their names are
   kept). NULL with err set when they cannot be read. Topics need no
   dictionary: wt_vocab_resolve works with a NULL vocab for them. */
wt_vocab_t *wt_vocab_new(const wt_config_t *cfg, char *err, size_t errlen);
void wt_vocab_destroy(wt_vocab_t **self_p);

/* Find value among the names of kind. Returns 0 and the canonical form in
   out (actor id, upper-case ISO3 code, issue id, topic id), or WT_EVALUE
   with the closest known value in suggest ("" when nothing is close).
   A topic may be written in any case with spaces or hyphens ("Law crime"). */
int wt_vocab_resolve(const wt_vocab_t *self, wt_vocab_kind_t kind, const char *value, char *out,
                     size_t outlen, char *suggest, size_t suggestlen);

#ifdef __cplusplus
}
#endif
#endif

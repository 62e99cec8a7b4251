/*  words.c: the engine's word table (see words.h): every token hash some
    stage looks up per token, with the answers of all stages side by side in
    one open-addressing table (load <= 1/2). Most tokens of a text are known
    to some stage ("the", "said", names), so no filter goes in front: a
    bitmap cost more than the probes it saved. */
#include "engine/words.h"

#include <stdlib.h>
#include <string.h>

const wt_word_t wt_words_none = {.aroot = UINT32_MAX, .ivid = -1};

struct wt_words {
    wt_word_t *tab;
    size_t cap; /* power of two */
    size_t n;
};

typedef struct {
    uint32_t *h;
    size_t n, cap;
} s_keys_t;

static void s_key(void *ud, uint32_t h)
{
    s_keys_t *k = ud;
    wt_grow(&k->h, &k->cap, k->n + 1, sizeof *k->h);
    k->h[k->n++] = h;
}

static inline size_t s_slot(uint32_t h, size_t cap)
{
    return (size_t)((h ^ (h >> 15)) * 2246822519u) & (cap - 1);
}

wt_words_t *wt_words_new(const wt_actordb_t *actors, const wt_issuedb_t *issues,
                         const wt_quotedb_t *quotes)
{
    s_keys_t k = {0};
    if (actors) wt_actors_words(actors, s_key, &k);
    if (issues) wt_issues_words(issues, s_key, &k);
    if (quotes) wt_quotes_words(quotes, s_key, &k);
    wt_words_t *self = wt_calloc(1, sizeof *self);
    self->cap = 16;
    while (self->cap < k.n * 2)
        self->cap *= 2;
    self->tab = wt_calloc(self->cap, sizeof *self->tab);
    for (size_t i = 0; i < k.n; i++) {
        uint32_t h = k.h[i];
        size_t j = s_slot(h, self->cap);
        while (self->tab[j].used && self->tab[j].h != h)
            j = (j + 1) & (self->cap - 1);
        if (self->tab[j].used) continue; /* listed twice */
        wt_word_t *w = &self->tab[j];
        *w = wt_words_none;
        w->h = h;
        w->used = 1;
        if (actors) wt_actors_word(actors, h, &w->aroot, &w->acls);
        if (issues) w->ivid = wt_issues_word(issues, h);
        if (w->ivid >= 0) {
            const char *form = wt_issues_form(issues, w->ivid);
            size_t n = strlen(form);
            w->ilen = n <= 255 ? (uint8_t)n : 0;
            memcpy(&w->ipre, form, n < 8 ? n : 8);
        }
        if (quotes) w->qlex = wt_quotes_word(quotes, h);
        self->n++;
    }
    free(k.h);
    return self;
}

void wt_words_destroy(wt_words_t **self_p)
{
    if (!self_p || !*self_p) return;
    free((*self_p)->tab);
    free(*self_p);
    *self_p = NULL;
}

size_t wt_words_count(const wt_words_t *self)
{
    return self->n;
}

static inline const wt_word_t *s_get(const wt_words_t *self, uint32_t h)
{
    for (size_t j = s_slot(h, self->cap);; j = (j + 1) & (self->cap - 1)) {
        const wt_word_t *w = &self->tab[j];
        if (!w->used) return &wt_words_none;
        if (w->h == h) return w;
    }
}

const wt_word_t *wt_words_get(const wt_words_t *self, uint32_t h)
{
    return s_get(self, h);
}

void wt_words_doc(const wt_words_t *self, const wt_doc_t *doc, const wt_word_t **out)
{
    const wt_token_t *t = doc->toks;
    for (size_t i = 0, n = doc->ntoks; i < n; i++)
        out[i] = s_get(self, t[i].hash);
}

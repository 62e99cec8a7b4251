/*  fuzz_petrarch.c: libFuzzer target for the PETRARCH dictionary reader.

    The first byte picks the kind (actors, agents, discards); the rest is
    parsed twice into one dictionary through wt_petrarch_parse() (the
    second pass exercises the duplicate index). The reader must never fail
    on content, and every phrase it returns must be non-empty valid UTF-8. */
#include "wiretag/petrarch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void s_check_phrase(const char *p)
{
    if (!p || !*p || !wt_utf8_valid(p, strlen(p))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    wt_petrarch_kind_t kind = (wt_petrarch_kind_t)(1 + data[0] % 3);
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    wt_petrarch_dict_t *d = wt_petrarch_dict_new();
    for (int pass = 0; pass < 2; pass++) {
        wt_petrarch_report_t rep;
        int rc = wt_petrarch_parse(d, "fuzz.txt", buf, len, kind, &rep);
        if (rc != 0) abort();
        if (rep.nkept > rep.nwarnings || rep.nkept > WT_PETRARCH_MAX_WARNINGS) abort();
        wt_petrarch_report_free(&rep);
    }
    for (size_t i = 0; i < d->nactors; i++) {
        const wt_petrarch_actor_t *a = &d->actors[i];
        s_check_phrase(a->phrase);
        for (int j = 0; j < a->nsynonyms; j++)
            s_check_phrase(a->synonyms[j]);
        for (int j = 0; j < a->ncodes; j++)
            if (a->codes[j].from && a->codes[j].to && a->codes[j].to < a->codes[j].from) abort();
        (void)wt_petrarch_actor_code(a, 0);
        (void)wt_petrarch_actor_code(a, 20200101);
    }
    for (size_t i = 0; i < d->nagents; i++) {
        s_check_phrase(d->agents[i].phrase);
        for (int j = 0; j < d->agents[i].nplurals; j++)
            s_check_phrase(d->agents[i].plurals[j]);
    }
    for (size_t i = 0; i < d->ndiscards; i++)
        s_check_phrase(d->discards[i].phrase);
    wt_petrarch_dict_destroy(&d);
    return 0;
}

/*  wordlist.c: walking built-in word lists (see wordlist.h). */
#include "wordlist.h"

const char *wt_wordlist_next(const char *p, size_t *n)
{
    while (*p == ' ')
        p++;
    if (!*p) return NULL;
    const char *q = p;
    while (*q && *q != ' ')
        q++;
    *n = (size_t)(q - p);
    return p;
}

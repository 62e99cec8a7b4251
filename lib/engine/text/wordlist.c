/*  wordlist.c: walking a string of space-separated words (see wordlist.h). */
#include "engine/text/wordlist.h"

const char *wt_wordlist_next(const char **p, size_t *n)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    const char *e = s;
    while (*e && *e != ' ')
        e++;
    *p = e;
    *n = (size_t)(e - s);
    return e > s ? s : NULL;
}

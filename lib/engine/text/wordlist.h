/*  wordlist.h: a list of words written as one string, separated by spaces
    ("said says saying"): the form of the compiled word lists of the stages
    and of actor names. Walking it takes no copy and no allocation.

        size_t n;
        for (const char *p = list, *w; (w = wt_wordlist_next(&p, &n));)
            use(w, n);
*/
#ifndef WT_WORDLIST_H
#define WT_WORDLIST_H

#include <stddef.h>

/* The next word at *p: returns its first byte and its length in *n, and
   moves *p past it; NULL when only spaces or nothing is left. */
const char *wt_wordlist_next(const char **p, size_t *n);

#endif

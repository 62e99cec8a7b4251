/*  wordlist.h: built-in word lists written as one string of words separated
    by spaces ("said says told added"), walked without copying. Shared by the
    word classes of the actors stage (names.c) and the quotes lexicon.
*/
#ifndef WT_WORDLIST_H
#define WT_WORDLIST_H

#include <stddef.h>

/* The next word at or after p: returns its start and sets *n to its length,
   or NULL at the end of the list. Walk a list with
   for (const char *w = list; (w = wt_wordlist_next(w, &n)); w += n) ... */
const char *wt_wordlist_next(const char *p, size_t *n);

#endif

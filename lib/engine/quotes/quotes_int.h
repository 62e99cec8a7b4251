/*  quotes_int.h: private declarations shared by the quotes stage files.

    quotes_lex.c holds the closed word classes the quotes stage reasons with
    (speech verbs with every inflection, pronouns, titles, honorifics, nominal
    speaker heads, function words) as a compiled table, plus the first-name
    gender list loaded from config/names/first-names.txt. Every class is keyed
    by the text layer's token hash (lower-cased, ’ folded to '), so a lookup is
    one probe per token. quotes.c pairs the marks and attributes speakers.
*/
#ifndef WT_QUOTES_INT_H
#define WT_QUOTES_INT_H

#include "wiretag/text.h"

#include <stddef.h>
#include <stdint.h>

/* Word classes (bits, a word may be in several). */
enum {
    QL_VERB = 1u << 0,      /* a speech cue verb form (see vform, vflags) */
    QL_PRON = 1u << 1,      /* subject pronoun that can be a speaker (he she they it) */
    QL_TITLE = 1u << 2,     /* role title dropped from a name (president, minister) */
    QL_RANK = 1u << 3,      /* rank kept with the name (officer, sergeant) */
    QL_HONOR = 1u << 4,     /* honorific kept with the name (mr, ms, dr) */
    QL_NOMHEAD = 1u << 5,   /* head of an unnamed speaker (official, spokesman) */
    QL_ORGHEAD = 1u << 6,   /* head of an institution (ministry, police) */
    QL_STOP = 1u << 7,      /* function words, weekdays, months: never part of a name */
    QL_TIME = 1u << 8,      /* today, monday: may follow a cue verb */
    QL_DET = 1u << 9,       /* a the his: opens a nominal speaker */
    QL_ADV = 1u << 10,      /* adverbs and auxiliaries between speaker and verb */
    QL_PARTICLE = 1u << 11, /* de van bin: inside names */
    QL_CONNECT = 1u << 12,  /* of for and &: inside organisation names */
    QL_PREP = 1u << 13,     /* prepositions: cannot open a reported clause */
    QL_FIRST = 1u << 14,    /* a first name (gender in .gender) */
    QL_OBJPRON = 1u << 15,  /* him her them us me: objects of tell/urge */
    QL_SUBORD = 1u << 16,   /* who which whose: open an appositive clause */
    QL_NOTSPK = 1u << 17    /* words that look like speakers and are not (people, report) */
};

/* Genders (of pronouns, honorifics, titles, first names). */
enum { QG_NONE = 0, QG_M = 1, QG_F = 2, QG_PL = 3, QG_N = 4 };

/* Verb forms and verb flags. */
enum { QV_BASE = 0, QV_S, QV_PAST, QV_ING };
enum {
    QVF_OBJ = 1u << 0,      /* takes a person object before the content: tell X that */
    QVF_DESCRIBE = 1u << 1, /* call, describe, dub: "what X calls 'Q'" */
    QVF_THINK = 1u << 2,    /* cognitive: indirect only with "that" */
    QVF_NOTHAT = 1u << 3,   /* a reported clause may follow without "that" */
    QVF_WEAK = 1u << 4,     /* a weak cue (continue, agree): only right next to a quote */
    QVF_NOUN = 1u << 5,     /* base and -s forms are also nouns (note, state): weak forms */
    QVF_NPOBJ = 1u << 6     /* also takes a plain object (add X to Y, announce a plan): a
                               clause without "that" must open with a subject pronoun */
};

typedef struct {
    uint32_t cls;
    uint8_t gender;
    uint8_t vform;
    uint8_t vflags;
    uint8_t pad;
} ql_entry_t;

typedef struct {
    uint32_t *keys;
    ql_entry_t *vals;
    size_t cap; /* power of two */
    size_t count;
    size_t first_names;
} ql_lex_t;

/* Build the compiled word classes, then add the first names of path (lines
   "m name" / "f name"; # comments). Returns 0, or -errno / WT_EDICT with a
   reason in err. */
int ql_lex_init(ql_lex_t *lx, const char *first_names_path, char *err, size_t errlen);
void ql_lex_free(ql_lex_t *lx);
/* Entry of the word with token hash h, or NULL. */
const ql_entry_t *ql_lex_get(const ql_lex_t *lx, uint32_t h);

#endif

/*  petrarch.h: reader for PETRARCH/TABARI actor, agent and discard dictionaries.

    The reader turns the flat-text dictionaries of PETRARCH2 (and TABARI
    .actors files) into plain arrays that the actors engine compiles into its
    trie. It never fails on content: every defect found in real files (7-digit
    or impossible dates, U+FFFD or double-encoded mojibake, invalid UTF-8, tab/space mix, stray
    brackets, duplicate entries, unknown substitution sets) is skipped or
    repaired and reported as a warning "FILE:LINE: reason". Only I/O errors
    and files over WT_PETRARCH_MAX_BYTES fail. Hostile input is bounded:
    lines over 64 KiB, phrases with more than 4 substitution markers and
    files with more than 1024 sets are cut (warned); one line expands into
    at most 256 phrases.

    Phrases (all three kinds): the words of the entry separated by single
    spaces. "_" and blanks both separate words; a trailing "_" (PETRARCH's
    "no stemming" mark) is dropped; ASCII letters are upper-cased, other
    bytes are kept as written (valid UTF-8, never U+FFFD). Matching is
    case-insensitive, whole words, consecutive.

    Actors file (*.actors.txt):
        PRIMARY_PHRASE_ [CODE] [CODE DATE-DATE] ...   # comment
        +SYNONYM_PHRASE_
        <tab>[CODE <DATE]     applies on or before DATE
        <tab>[CODE >DATE]     applies on or after DATE
        <tab>[CODE DATE-DATE] applies between the two dates, inclusive
        <tab>[CODE]           the default code (no restriction)
    A record runs from its primary phrase to the next primary phrase; code
    lines may sit on the primary line or on their own indented lines.
    Dates are YYYYMMDD or YYMMDD (YY 00-30 = 20YY, else 19YY). A date that
    cannot be read leaves that side of the range open (warning). The code
    "---" is PETRARCH's null code and is kept as written.

    Agents file (Phoenix.agents.txt):
        !SET! = WORD, WORD, ...            substitution set, defined before use
        PHRASE_WITH_!SET! {PLURAL PLURAL} [~GOV]
    Each agent line yields one agent per substitution (cross product when a
    line uses several sets). "~CODE" appends the code to the actor code
    (prefix = false), "CODE~" puts it before (prefix = true). Plurals: those
    in {...}; "{}" means none; without braces the regular plural of the last
    word is generated (+S; consonant+Y -> IES; S, X, Z, CH, SH -> +ES). Phrases built with a
    substitution set get no generated plural (the set lists the forms).

    Discards file (Phoenix.discards.txt): one phrase per line; a leading "+"
    marks a story-level discard; a trailing "_" means whole word, otherwise
    the last word is a stem (prefix match).

    Comments: "#" and ";" to the end of the line, "<!-- ... -->" (also over
    several lines). Blank lines are skipped everywhere. A line holding
    "---STOP---" ends the file.

    Uniqueness: each phrase belongs to one entry of its kind in a dictionary
    (across files too): a phrase met again later is dropped with a warning
    ("duplicate ... first at FILE:LINE"); an actor record left without
    phrases is dropped. PETRARCH's rule that consecutive primary phrases
    without codes share the code lines that follow is kept: such phrases
    become synonyms of one record.
*/
#ifndef WT_PETRARCH_H
#define WT_PETRARCH_H

#include "wiretag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_PETRARCH_MAX_BYTES    (64 * 1024 * 1024) /* larger files fail with WT_ETOOBIG */
#define WT_PETRARCH_MAX_WARNINGS 200                /* warning texts kept; all are counted */

/* One code of an actor, valid from `from` to `to` inclusive (YYYYMMDD as an
   integer, e.g. 20090120; 0 = open on that side; both 0 = default code). */
typedef struct {
    char *code; /* "USAGOV", "IGOUNO", "---" (null code) */
    int32_t from, to;
} wt_petrarch_code_t;

typedef struct {
    char *phrase;    /* primary phrase, normalised as above */
    char **synonyms; /* "+" lines, normalised; duplicates of the phrase removed */
    int nsynonyms;
    wt_petrarch_code_t *codes; /* in file order; may be empty (no code given) */
    int ncodes;
    int line; /* line of the primary phrase (1-based) */
} wt_petrarch_actor_t;

typedef struct {
    char *phrase;   /* singular form, normalised, substitution sets expanded */
    char *code;     /* without the "~": "GOV", "MILREB", "NGO" */
    bool prefix;    /* "CODE~": code goes before the actor code */
    char **plurals; /* explicit or generated plural forms (normalised) */
    int nplurals;
    int line;
} wt_petrarch_agent_t;

typedef struct {
    char *phrase; /* normalised */
    bool story;   /* "+": discard the whole story, else the sentence */
    bool stem;    /* no trailing "_": the last word matches as a prefix */
    int line;
} wt_petrarch_discard_t;

/* Everything read so far; several files may be read into one dictionary.
   All strings and arrays belong to the dictionary. */
typedef struct {
    wt_petrarch_actor_t *actors;
    size_t nactors;
    wt_petrarch_agent_t *agents;
    size_t nagents;
    wt_petrarch_discard_t *discards;
    size_t ndiscards;
    size_t cap_actors, cap_agents, cap_discards; /* internal */
    struct wt_petrarch_index *index;             /* internal: phrase -> first entry */
} wt_petrarch_dict_t;

/* What one read found. Counts are for this call only. warnings[] holds the
   first WT_PETRARCH_MAX_WARNINGS texts ("FILE:LINE: reason"); nwarnings
   counts all of them. Free with wt_petrarch_report_free(). */
typedef struct {
    int lines;
    int actors, synonyms, codes; /* actor records, "+" synonyms, code ranges */
    int agents, sets;            /* agents after expansion, substitution sets */
    int discards;
    int duplicates; /* entries skipped or merged because already present */
    int nwarnings;
    char **warnings;
    int nkept;
} wt_petrarch_report_t;

typedef enum {
    WT_PETRARCH_AUTO = 0, /* from the file name: "agent" -> agents, "discard" -> discards,
                             "issue" -> unsupported (-EINVAL), else actors */
    WT_PETRARCH_ACTORS,
    WT_PETRARCH_AGENTS,
    WT_PETRARCH_DISCARDS
} wt_petrarch_kind_t;

/* New empty dictionary. Never NULL. */
wt_petrarch_dict_t *wt_petrarch_dict_new(void);
/* Free the dictionary and everything in it; NULL-safe, sets *self_p = NULL. */
void wt_petrarch_dict_destroy(wt_petrarch_dict_t **self_p);

/* Read one file of the given kind and append its entries to dict. Returns 0
   (also when warnings were reported), -errno when the file cannot be read,
   WT_ETOOBIG over WT_PETRARCH_MAX_BYTES, -EINVAL for an unknown kind. rep
   may be NULL; when given it is reset first and must be freed after. */
int wt_petrarch_read(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_kind_t kind,
                     wt_petrarch_report_t *rep);
/* Same on a buffer (need not be NUL-terminated); name is used in warnings.
   kind must not be WT_PETRARCH_AUTO unless name tells the kind. */
int wt_petrarch_parse(wt_petrarch_dict_t *dict, const char *name, const char *buf, size_t len,
                      wt_petrarch_kind_t kind, wt_petrarch_report_t *rep);

/* Convenience wrappers of wt_petrarch_read() with a fixed kind. */
int wt_petrarch_read_actors(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_report_t *rep);
int wt_petrarch_read_agents(wt_petrarch_dict_t *dict, const char *path, wt_petrarch_report_t *rep);
int wt_petrarch_read_discards(wt_petrarch_dict_t *dict, const char *path,
                              wt_petrarch_report_t *rep);

/* The code of actor a that applies on date (YYYYMMDD). A dated range that
   holds the date wins (the first in file order), else the default code.
   date 0 = no date: an open-ended range (">DATE"), else the default code,
   else the range that ends last. Borrowed; NULL when none applies. */
const char *wt_petrarch_actor_code(const wt_petrarch_actor_t *a, int32_t date);

/* Free the warning texts of a report and zero it. NULL-safe. */
void wt_petrarch_report_free(wt_petrarch_report_t *rep);

#ifdef __cplusplus
}
#endif
#endif

/*  bench_util.h: what the benchmark programs share (bench/ only, never
    part of the library): loading a JSON Lines corpus into memory and the
    calling thread's CPU clock, and their option parsing. Only the public API of include/wiretag is
    used, so that bench/run.py can build these programs against an older
    revision's library too (its --baseline). */
#ifndef WT_BENCH_UTIL_H
#define WT_BENCH_UTIL_H

#include "wiretag/json.h"

/* A corpus in memory. */
typedef struct {
    wt_item_t *items;  /* count decoded items */
    char **lines;      /* their JSON lines (NUL-terminated), when kept */
    size_t *line_len;  /* the lines' lengths, when kept */
    size_t count;      /* items decoded */
    size_t text_bytes; /* bytes of text over all items */
    size_t json_bytes; /* bytes of JSON over all kept lines */
} bench_corpus_t;

/* Read every line of path (JSON Lines) that decodes as an input item (text
   up to 64 MB); keep_lines also keeps the raw lines. Returns 0, or -1 with
   the reason on stderr. bench_corpus_free() frees all of it. */
int bench_corpus_load(bench_corpus_t *c, const char *path, bool keep_lines);
void bench_corpus_free(bench_corpus_t *c);

/* One command-line option "NAME VALUE"; kind 'i' stores an int, 'l' a
   long, 'd' a double, 's' the string (borrowed from argv). */
typedef struct {
    const char *name;
    char kind;
    void *dst;
} bench_opt_t;

/* Parse argv against opts (ended by {NULL, 0, NULL}); the one argument that
   is not an option goes to *path. Returns 0, or -1 (with the reason on
   stderr) for an unknown option or one without its value. */
int bench_args(int argc, char **argv, const bench_opt_t *opts, const char **path);

/* The calling thread's CPU time in seconds. */
double bench_thread_cpu_s(void);

#endif

/*  bench_util.c: corpus loading and CPU clock for the benchmark programs. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bench_corpus_load(bench_corpus_t *c, const char *path, bool keep_lines)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 0, lines_cap = 0, len_cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    wt_limits_t lim = wt_limits_default;
    lim.max_text = 64u << 20;
    while ((n = getline(&line, &lcap, f)) > 0) {
        wt_grow(&c->items, &cap, c->count + 1, sizeof *c->items);
        memset(&c->items[c->count], 0, sizeof c->items[c->count]);
        char err[256];
        if (wt_item_from_json(line, (size_t)n, &lim, &c->items[c->count], err, sizeof err) != 0)
            continue;
        if (keep_lines) {
            wt_grow(&c->lines, &lines_cap, c->count + 1, sizeof *c->lines);
            wt_grow(&c->line_len, &len_cap, c->count + 1, sizeof *c->line_len);
            c->lines[c->count] = wt_strdup(line);
            c->line_len[c->count] = (size_t)n;
            c->json_bytes += (size_t)n;
        }
        c->text_bytes += c->items[c->count].text_len;
        c->count++;
    }
    free(line);
    fclose(f);
    if (c->count == 0) {
        fprintf(stderr, "%s: no item could be read (JSON Lines with a \"text\" field expected)\n",
                path);
        return -1;
    }
    return 0;
}

void bench_corpus_free(bench_corpus_t *c)
{
    for (size_t i = 0; i < c->count; i++) {
        wt_item_clear(&c->items[i]);
        if (c->lines) free(c->lines[i]);
    }
    free(c->items);
    free(c->lines);
    free(c->line_len);
    memset(c, 0, sizeof *c);
}

int bench_args(int argc, char **argv, const bench_opt_t *opts, const char **path)
{
    for (int i = 1; i < argc; i++) {
        const bench_opt_t *o = opts;
        while (o->name && strcmp(o->name, argv[i]))
            o++;
        if (!o->name) {
            if (argv[i][0] == '-' && argv[i][1]) {
                fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[i]);
                return -1;
            }
            *path = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: %s wants a value\n", argv[0], o->name);
            return -1;
        }
        const char *v = argv[++i];
        switch (o->kind) {
        case 'i':
            *(int *)o->dst = atoi(v);
            break;
        case 'l':
            *(long *)o->dst = atol(v);
            break;
        case 'd':
            *(double *)o->dst = atof(v);
            break;
        default:
            *(const char **)o->dst = v;
            break;
        }
    }
    return 0;
}

double bench_thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

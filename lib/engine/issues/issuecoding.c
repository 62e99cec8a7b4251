/*  issuecoding.c: reader for PETRARCH/TABARI issue files (Phoenix
    IssueCoding), an optional extra taxonomy beside config/issues.yaml.

    The format (PETRARCH2 docs, "Issues List"): sections
    <ISSUE CATEGORY="NAME" TYPE="..."> ... </ISSUE>; inside, one entry per
    line, "phrase [CODE]"; "#" starts a comment, <!-- --> comments may span
    lines; a line without a [CODE] is skipped. In a phrase, "n:word" stands
    for the noun and its regular plural (y -> ies, else +s), "v:word" for the
    verb forms (+s, +ed or +d, +ing), "a+b" for both "a b" and "a-b".
    "~phrase" cancels the section's issues in a sentence that holds the
    phrase, "~~phrase" in the whole story. Phrases match whole words, case
    folded, exactly as expanded (no stemming), as PETRARCH does.

    The real files have defects (lines without codes, mojibake, tabs): those
    lines are skipped and counted, never fatal.
*/
#include "issues_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *s[WT_IX_MAX_FORMS];
    int n;
    bool overflow;
} ix_forms_t;

static bool s_word_start(const char *base, const char *p)
{
    return p == base || p[-1] == ' ' || p[-1] == '-' || p[-1] == '+';
}

/* First expansion marker in s: returns its position and kind ('+', 'n', 'v') or NULL. */
static const char *s_marker(const char *s, char *kind)
{
    for (const char *p = s; *p; p++) {
        if (*p == '+') {
            *kind = '+';
            return p;
        }
        if ((*p == 'n' || *p == 'v') && p[1] == ':' && s_word_start(s, p)) {
            *kind = *p;
            return p;
        }
    }
    return NULL;
}

static void s_push(ix_forms_t *f, char *s)
{
    if (f->n == WT_IX_MAX_FORMS) {
        f->overflow = true;
        free(s);
        return;
    }
    f->s[f->n++] = s;
}

/* s with [at, at+cut) replaced by rep. */
static char *s_splice(const char *s, size_t at, size_t cut, const char *rep)
{
    size_t n = strlen(s), r = strlen(rep);
    char *o = wt_malloc(n - cut + r + 1);
    memcpy(o, s, at);
    memcpy(o + at, rep, r);
    memcpy(o + at + r, s + at + cut, n - at - cut + 1);
    return o;
}

/* Expand one target into all its forms. */
static void s_expand(const char *target, ix_forms_t *f)
{
    s_push(f, wt_strdup(target));
    for (int i = 0; i < f->n; i++) {
        char kind;
        const char *m;
        while ((m = s_marker(f->s[i], &kind)) != NULL && !f->overflow) {
            char *s = f->s[i];
            size_t at = (size_t)(m - s);
            if (kind == '+') {
                f->s[i] = s_splice(s, at, 1, " ");
                s_push(f, s_splice(s, at, 1, "-"));
                free(s);
            } else {
                /* the word after the marker */
                size_t w0 = at + 2, w1 = w0;
                while (s[w1] && s[w1] != ' ' && s[w1] != '+' && s[w1] != '-')
                    w1++;
                char word[WT_IX_MAX_WORD];
                size_t wl = w1 - w0;
                if (wl == 0 || wl >= WT_IX_MAX_WORD) {
                    f->s[i] = s_splice(s, at, 2, ""); /* drop a marker on nothing */
                    free(s);
                    continue;
                }
                memcpy(word, s + w0, wl);
                word[wl] = 0;
                char *base = s_splice(s, at, 2, "");
                f->s[i] = base;
                char form[2 * WT_IX_MAX_WORD + 16];
                if (kind == 'n') {
                    if (word[wl - 1] == 'y')
                        snprintf(form, sizeof form, "%.*sies", (int)(wl - 1), word);
                    else
                        snprintf(form, sizeof form, "%ss", word);
                    s_push(f, s_splice(base, at, wl, form));
                } else {
                    snprintf(form, sizeof form, "%ss", word);
                    s_push(f, s_splice(base, at, wl, form));
                    if (word[wl - 1] == 'e') {
                        snprintf(form, sizeof form, "%sd", word);
                        s_push(f, s_splice(base, at, wl, form));
                        snprintf(form, sizeof form, "%.*sing", (int)(wl - 1), word);
                    } else {
                        snprintf(form, sizeof form, "%sed", word);
                        s_push(f, s_splice(base, at, wl, form));
                        snprintf(form, sizeof form, "%sing", word);
                    }
                    s_push(f, s_splice(base, at, wl, form));
                }
                free(s);
            }
        }
    }
}

/* Lower-case, blanks collapsed, trimmed, in place. */
static void s_normalize(char *s)
{
    char *o = s;
    bool blank = true;
    for (char *p = s; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
            if (!blank) *o++ = ' ';
            blank = true;
            continue;
        }
        *o++ = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        blank = false;
    }
    if (o > s && o[-1] == ' ') o--;
    *o = 0;
}

/* CATEGORY="..." of a section tag into cat (empty when absent). */
static void s_category(const char *line, char *cat, size_t catlen)
{
    cat[0] = 0;
    const char *p = line;
    for (; *p; p++)
        if (strncasecmp(p, "category", 8) == 0) break;
    if (!*p) return;
    p += 8;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '=') return;
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    char q = (*p == '"' || *p == '\'') ? *p++ : 0;
    size_t n = 0;
    while (p[n] && (q ? p[n] != q : (p[n] != ' ' && p[n] != '>' && p[n] != '\t')))
        n++;
    if (n >= catlen) n = catlen - 1;
    memcpy(cat, p, n);
    cat[n] = 0;
}

int wt_issuecoding_parse(const char *buf, size_t len, wt_issuecoding_fn fn, void *ud,
                         size_t *warnings)
{
    char line[WT_IX_MAX_LINE + 1];
    char cat[128] = "";
    bool in_comment = false;
    size_t pos = 0;
    int lineno = 0;
    size_t warn = 0;
    int rc = 0;
    while (pos < len && rc == 0) {
        size_t e = pos;
        while (e < len && buf[e] != '\n')
            e++;
        size_t n = e - pos;
        lineno++;
        const char *src = buf + pos;
        pos = e + 1;
        if (n > WT_IX_MAX_LINE) {
            warn++;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            line[i] = src[i] ? src[i] : ' ';
        line[n] = 0;

        /* <!-- --> comments, possibly over several lines */
        char *p = line;
        char clean[WT_IX_MAX_LINE + 1];
        size_t cl = 0;
        while (*p) {
            if (in_comment) {
                char *end = strstr(p, "-->");
                if (!end) break;
                p = end + 3;
                in_comment = false;
            } else if (strncmp(p, "<!--", 4) == 0) {
                in_comment = true;
                p += 4;
            } else
                clean[cl++] = *p++;
        }
        clean[cl] = 0;
        char *hash = strchr(clean, '#');
        if (hash) *hash = 0;
        char *s = clean;
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        size_t sl = strlen(s);
        while (sl && (s[sl - 1] == ' ' || s[sl - 1] == '\t' || s[sl - 1] == '\r'))
            s[--sl] = 0;
        if (!*s) continue;

        if (s[0] == '<') {
            if (strncasecmp(s, "</issue", 7) == 0)
                cat[0] = 0;
            else if (strncasecmp(s, "<issue", 6) == 0)
                s_category(s, cat, sizeof cat);
            continue;
        }
        int ignore = 0;
        char *code = NULL;
        if (s[0] == '~') {
            ignore = s[1] == '~' ? 2 : 1;
            s += ignore;
            char *br = strchr(s, '[');
            if (br) *br = 0; /* a code on an ignore line means nothing */
        } else {
            char *br = strchr(s, '[');
            char *close = br ? strchr(br, ']') : NULL;
            if (!br || !close) {
                warn++;
                continue;
            }
            *br = 0;
            *close = 0;
            code = br + 1;
            while (*code == ' ')
                code++;
            size_t k = strlen(code);
            while (k && code[k - 1] == ' ')
                code[--k] = 0;
            if (!*code) {
                warn++;
                continue;
            }
        }
        s_normalize(s);
        if (!*s) {
            warn++;
            continue;
        }
        ix_forms_t f = {0};
        s_expand(s, &f);
        if (f.overflow) warn++;
        for (int i = 0; i < f.n; i++) {
            s_normalize(f.s[i]);
            if (!f.overflow && rc == 0 && f.s[i][0]) {
                wt_issuecoding_entry_t ent = {.category = cat,
                                              .code = code,
                                              .phrase = f.s[i],
                                              .ignore = ignore,
                                              .line = lineno};
                rc = fn(&ent, ud);
            }
            free(f.s[i]);
        }
    }
    if (warnings) *warnings += warn;
    return rc;
}

/* ------------------------------------------------------------------ */
/* loading into the issue db                                          */

typedef struct {
    wt_issuedb_t *db;
    char *const *map;
    char cats[256][128];
    int cat_group[256];
    int ncats;
    int last_warn_line;
} ix_load_t;

static const char *s_map_get(char *const *map, const char *key)
{
    for (char *const *p = map; p && p[0] && p[1]; p += 2)
        if (strcasecmp(p[0], key) == 0) return p[1];
    return NULL;
}

static int s_group(ix_load_t *L, const char *cat)
{
    if (!*cat) return -1;
    for (int i = 0; i < L->ncats; i++)
        if (strcmp(L->cats[i], cat) == 0) return L->cat_group[i];
    if (L->ncats == 256) return -1;
    snprintf(L->cats[L->ncats], sizeof L->cats[0], "%s", cat);
    L->cat_group[L->ncats] = L->db->ngroups++;
    return L->cat_group[L->ncats++];
}

static void s_warn(ix_load_t *L, int line)
{
    if (L->last_warn_line != line) L->db->warnings++;
    L->last_warn_line = line;
}

static int s_load_entry(const wt_issuecoding_entry_t *e, void *ud)
{
    ix_load_t *L = ud;
    wt_issuedb_t *db = L->db;
    int group = s_group(L, e->category);
    /* every word exact (case folded), as PETRARCH matches */
    char phrase[WT_IX_MAX_LINE * 2 + 2];
    size_t o = 0;
    bool start = true;
    for (const char *p = e->phrase; *p && o + 3 < sizeof phrase; p++) {
        if (start && *p != ' ') phrase[o++] = '=', start = false;
        if (*p == ' ') start = true;
        phrase[o++] = *p;
    }
    phrase[o] = 0;
    char why[160];
    if (e->ignore) {
        wt_ix_kind_t k = e->ignore == 2 ? WT_IX_IGNORE_DOC : WT_IX_IGNORE_SENT;
        if (wt_ixdb_add_phrase(db, -1, phrase, 1.0, k, group, why, sizeof why) != 0)
            s_warn(L, e->line);
        return 0;
    }
    const char *topic = s_map_get(L->map, e->code);
    if (!topic && *e->category) topic = s_map_get(L->map, e->category);
    if (!topic) {
        s_warn(L, e->line);
        return 0;
    }
    char id[160] = "phx_";
    size_t n = 4;
    for (const char *p = e->code; *p && n + 1 < sizeof id; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        id[n++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    id[n] = 0;
    int ix = wt_ixdb_find_issue(db, id);
    if (ix < 0) {
        ix = wt_ixdb_add_issue(db, id, e->code, topic, 1.0);
        if (ix < 0) {
            s_warn(L, e->line);
            return 0;
        }
        if (group >= 0) db->issues[ix].group = group;
    }
    if (wt_ixdb_add_phrase(db, ix, phrase, db->scoring.petrarch_weight, WT_IX_PHRASE, -1, why,
                           sizeof why) != 0)
        s_warn(L, e->line);
    return 0;
}

void wt_issuecoding_load_buffer(wt_issuedb_t *db, const char *buf, size_t len, char *const *map)
{
    ix_load_t *L = wt_calloc(1, sizeof *L);
    L->db = db;
    L->map = map;
    wt_issuecoding_parse(buf, len, s_load_entry, L, &db->warnings);
    free(L);
}

int wt_issuecoding_load(wt_issuedb_t *db, const char *path, char *const *map, char *err,
                        size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e ? -e : WT_EDICT;
    }
    size_t cap = 1 << 16, len = 0, r;
    char *buf = wt_malloc(cap);
    while ((r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) buf = wt_realloc(buf, cap *= 2);
        if (len > (64u << 20)) {
            fclose(f);
            free(buf);
            snprintf(err, errlen, "%s: larger than 64 MiB", path);
            return WT_EDICT;
        }
    }
    fclose(f);
    wt_issuecoding_load_buffer(db, buf, len, map);
    free(buf);
    return 0;
}

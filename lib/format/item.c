/*  item.c: lifecycle of input and annotated items, names of enums on the
    wire, ids and dates. */
#include "wiretag/item.h"

#include "format/format_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const wt_limits_t wt_limits_default = {
    .max_text = 1024 * 1024,
    .max_field = 4096,
    .max_meta = 64 * 1024,
    .max_elements = 100000,
};

const char *const wt_topics[21] = {
    "macroeconomics",
    "civil_rights",
    "health",
    "agriculture",
    "labor",
    "education",
    "environment",
    "energy",
    "immigration",
    "transportation",
    "law_crime",
    "social_welfare",
    "housing",
    "domestic_commerce",
    "defense",
    "technology",
    "foreign_trade",
    "international_affairs",
    "government_operations",
    "public_lands",
    "culture",
};

bool wt_topic_valid(const char *s)
{
    return s && wt_name_index(wt_topics, 21, s) >= 0;
}

void wt_item_clear(wt_item_t *item)
{
    free(item->id);
    free(item->title);
    free(item->source);
    free(item->url);
    free(item->published);
    free(item->lang);
    free(item->text);
    free(item->meta);
    memset(item, 0, sizeof *item);
}

static char *s_dup(const char *s)
{
    return s ? wt_strdup(s) : NULL;
}

void wt_item_copy(wt_item_t *dst, const wt_item_t *src)
{
    dst->id = s_dup(src->id);
    dst->title = s_dup(src->title);
    dst->source = s_dup(src->source);
    dst->url = s_dup(src->url);
    dst->published = s_dup(src->published);
    dst->published_invalid = src->published_invalid;
    dst->lang = s_dup(src->lang);
    dst->text = src->text ? wt_strndup(src->text, src->text_len) : NULL;
    dst->text_len = src->text_len;
    if (src->meta && src->meta_len) {
        dst->meta = wt_malloc(src->meta_len);
        memcpy(dst->meta, src->meta, src->meta_len);
        dst->meta_len = src->meta_len;
    }
}

void wt_result_clear(wt_result_t *res)
{
    wt_item_clear(&res->item);
    for (size_t i = 0; i < res->actor_count; i++) {
        wt_actor_t *a = &res->actors[i];
        free(a->id);
        free(a->name);
        free(a->code);
        free(a->role);
        free(a->wikidata);
        free(a->mentions);
    }
    free(res->actors);
    for (size_t i = 0; i < res->issue_count; i++) {
        wt_issue_t *is = &res->issues[i];
        free(is->id);
        free(is->label);
        free(is->topic);
        free(is->mentions);
    }
    free(res->issues);
    for (size_t i = 0; i < res->quote_count; i++) {
        free(res->quotes[i].cue);
        free(res->quotes[i].speaker_actor);
    }
    free(res->quotes);
    free(res->annotator_version);
    free(res->annotator_dictionaries);
    memset(res, 0, sizeof *res);
}

wt_actor_t *wt_result_add_actor(wt_result_t *res)
{
    wt_grow(&res->actors, &res->actor_cap, res->actor_count + 1, sizeof *res->actors);
    wt_actor_t *a = &res->actors[res->actor_count++];
    memset(a, 0, sizeof *a);
    return a;
}

wt_issue_t *wt_result_add_issue(wt_result_t *res)
{
    wt_grow(&res->issues, &res->issue_cap, res->issue_count + 1, sizeof *res->issues);
    wt_issue_t *is = &res->issues[res->issue_count++];
    memset(is, 0, sizeof *is);
    return is;
}

wt_quote_t *wt_result_add_quote(wt_result_t *res)
{
    wt_grow(&res->quotes, &res->quote_cap, res->quote_count + 1, sizeof *res->quotes);
    wt_quote_t *q = &res->quotes[res->quote_count++];
    memset(q, 0, sizeof *q);
    return q;
}

void wt_actor_add_mention(wt_actor_t *a, uint32_t start, uint32_t end)
{
    wt_grow(&a->mentions, &a->mention_cap, a->mention_count + 1, sizeof *a->mentions);
    a->mentions[a->mention_count++] = (wt_span_t){start, end};
}

void wt_issue_add_mention(wt_issue_t *is, uint32_t start, uint32_t end)
{
    wt_grow(&is->mentions, &is->mention_cap, is->mention_count + 1, sizeof *is->mentions);
    is->mentions[is->mention_count++] = (wt_span_t){start, end};
}

static const char *const s_types[] = {"person", "organization", "country"};
static const char *const s_kinds[] = {"direct", "partial", "indirect"};

const char *wt_actor_type_name(wt_actor_type_t t)
{
    return (unsigned)t < 3 ? s_types[t] : "person";
}

int wt_name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

int wt_actor_type_parse(const char *s, wt_actor_type_t *out)
{
    int i = wt_name_index(s_types, 3, s);
    if (i < 0) return WT_EVALUE;
    *out = (wt_actor_type_t)i;
    return 0;
}

const char *wt_quote_kind_name(wt_quote_kind_t k)
{
    return (unsigned)k < 3 ? s_kinds[k] : "direct";
}

int wt_quote_kind_parse(const char *s, wt_quote_kind_t *out)
{
    int i = wt_name_index(s_kinds, 3, s);
    if (i < 0) return WT_EVALUE;
    *out = (wt_quote_kind_t)i;
    return 0;
}

void wt_item_ensure_id(wt_item_t *item)
{
    if (item->id) return;
    char buf[20];
    uint64_t h = wt_hash64(item->text ? item->text : "", item->text_len);
    snprintf(buf, sizeof buf, "h%016llx", (unsigned long long)h);
    item->id = wt_strdup(buf);
}

static bool s_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* ISO 8601 time after the date: HH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM|+HHMM]. */
static bool s_time_ok(const char *t)
{
    if (!s_digits(t, 2) || t[2] != ':' || !s_digits(t + 3, 2)) return false;
    if ((t[0] - '0') * 10 + (t[1] - '0') > 24 || (t[3] - '0') * 10 + (t[4] - '0') > 59)
        return false;
    t += 5;
    if (*t == ':') {
        if (!s_digits(t + 1, 2)) return false;
        t += 3;
        if (*t == '.' || *t == ',') {
            t++;
            if (!s_digits(t, 1)) return false;
            while (*t >= '0' && *t <= '9')
                t++;
        }
    }
    if (*t == 0) return true;
    if (*t == 'Z' || *t == 'z') return t[1] == 0;
    if (*t == '+' || *t == '-') {
        t++;
        if (!s_digits(t, 2)) return false;
        t += 2;
        if (*t == ':') t++;
        if (*t == 0) return true;
        return s_digits(t, 2) && t[2] == 0;
    }
    return false;
}

static int s_mdays(int y, int m);

int wt_date_normalize(const char *s, char out[11])
{
    if (!s || strlen(s) < 10 || strlen(s) > 40 || !s_digits(s, 4) || s[4] != '-' ||
        !s_digits(s + 5, 2) || s[7] != '-' || !s_digits(s + 8, 2))
        return WT_EVALUE;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    int year = atoi(s);
    if (month < 1 || month > 12 || day < 1 || day > s_mdays(year, month)) return WT_EVALUE;
    /* ISO 8601: a time part may follow ("2021-09-10T12:00:00Z", "2021-09-10 12:00"). */
    if (s[10] != 0 && !((s[10] == 'T' || s[10] == 't' || s[10] == ' ') && s_time_ok(s + 11)))
        return WT_EVALUE;
    memcpy(out, s, 10);
    out[10] = 0;
    return 0;
}

/* ---- dates: ISO 8601 and RFC 2822, normalised to UTC ---- */

static bool s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int s_mdays(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t s_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void s_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Read 1..max digits; returns the count read (0 = none). */
static int s_num(const char **p, int max, int *v)
{
    int n = 0, x = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n;
}

static void s_skip_ws(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* HH:MM[:SS[.frac]] into *secs (of the day). */
static bool s_clock(const char **p, int *secs)
{
    int h, mi, se = 0;
    if (s_num(p, 2, &h) < 1 || **p != ':') return false;
    (*p)++;
    if (s_num(p, 2, &mi) != 2) return false;
    if (**p == ':') {
        (*p)++;
        if (s_num(p, 2, &se) != 2) return false;
        if (**p == '.' || **p == ',') {
            (*p)++;
            int f;
            if (s_num(p, 9, &f) < 1) return false;
            while (**p >= '0' && **p <= '9')
                (*p)++;
        }
    }
    if (h > 23 || mi > 59 || se > 60) return false;
    if (se == 60) se = 59; /* a leap second: keep the minute */
    *secs = h * 3600 + mi * 60 + se;
    return true;
}

/* A zone: Z, +HH[:MM], -HHMM, UT, UTC, GMT, the US names of RFC 2822.
 *off = seconds east of UTC. */
static bool s_zone(const char **p, int *off)
{
    static const struct {
        const char *name;
        int hours;
    } names[] = {{"UTC", 0},  {"GMT", 0},  {"UT", 0},   {"EDT", -4}, {"EST", -5}, {"CDT", -5},
                 {"CST", -6}, {"MDT", -6}, {"MST", -7}, {"PDT", -7}, {"PST", -8}, {"Z", 0}};
    const char *s = *p;
    if (*s == '+' || *s == '-') {
        int sign = *s == '-' ? -1 : 1, hh, mm = 0;
        s++;
        if (s_num(&s, 2, &hh) != 2) return false;
        if (*s == ':') s++;
        if (*s >= '0' && *s <= '9' && s_num(&s, 2, &mm) != 2) return false;
        if (hh > 23 || mm > 59) return false;
        *off = sign * (hh * 3600 + mm * 60);
        *p = s;
        return true;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i].name);
        if (strncasecmp(s, names[i].name, n) == 0 &&
            !((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) {
            *off = names[i].hours * 3600;
            *p = s + n;
            return true;
        }
    }
    return false;
}

static int s_month_name(const char **p)
{
    static const char *const m[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(*p, m[i], 3) == 0) {
            *p += 3;
            while ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z'))
                (*p)++; /* "September" */
            if (**p == '.') (*p)++;
            return i + 1;
        }
    return 0;
}

int wt_date_parse(const char *s, char *out, size_t outlen)
{
    if (!s || outlen < 21) return WT_EVALUE;
    const char *p = s;
    s_skip_ws(&p);
    int y = 0, mo = 0, d = 0, secs = 0, off = 0;
    bool has_time = false;
    if (p[0] >= '0' && p[0] <= '9' && s_num(&p, 4, &y) == 4 && *p == '-') {
        /* ISO 8601: YYYY-M[M]-D[D][(T| )HH:MM[:SS[.f]][zone]] */
        p++;
        if (s_num(&p, 2, &mo) < 1 || *p++ != '-' || s_num(&p, 2, &d) < 1) return WT_EVALUE;
        if (*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
            p++;
            if (!s_clock(&p, &secs)) return WT_EVALUE;
            has_time = true;
            s_skip_ws(&p);
            if (*p && !s_zone(&p, &off)) return WT_EVALUE;
        }
    } else {
        /* RFC 2822: [Day,] D Mon YYYY [HH:MM[:SS] [zone]] */
        p = s;
        s_skip_ws(&p);
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
            while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
                p++;
            if (*p == ',') p++;
            s_skip_ws(&p);
        }
        if (s_num(&p, 2, &d) < 1) return WT_EVALUE;
        s_skip_ws(&p);
        if (!(mo = s_month_name(&p))) return WT_EVALUE;
        s_skip_ws(&p);
        int yd = s_num(&p, 4, &y);
        if (yd == 2)
            y += y < 50 ? 2000 : 1900; /* RFC 2822 obsolete two-digit years */
        else if (yd != 4)
            return WT_EVALUE;
        s_skip_ws(&p);
        if (*p >= '0' && *p <= '9') {
            if (!s_clock(&p, &secs)) return WT_EVALUE;
            has_time = true;
            s_skip_ws(&p);
            if (*p && !s_zone(&p, &off)) return WT_EVALUE;
            s_skip_ws(&p);
            if (*p == '(') { /* a comment: "(PDT)" */
                const char *e = strchr(p, ')');
                if (!e) return WT_EVALUE;
                p = e + 1;
            }
        }
    }
    s_skip_ws(&p);
    if (*p) return WT_EVALUE;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > s_mdays(y, mo)) return WT_EVALUE;
    if (!has_time) {
        snprintf(out, outlen, "%04d-%02d-%02d", y, mo, d);
        return 0;
    }
    int64_t t = s_days_from_civil(y, mo, d) * 86400 + secs - off;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    s_civil_from_days(days, &y, &mo, &d);
    if (y < 1 || y > 9999) return WT_EVALUE;
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
    return 0;
}

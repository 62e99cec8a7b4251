/*  readable.c: a compact, human-readable rendering of an annotated item. */
#include "readable.h"

#include <stdarg.h>
#include <string.h>

static void s_printf(wt_buf_t *out, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof tmp) n = sizeof tmp - 1;
    wt_buf_append(out, tmp, (size_t)n);
}

/* Append text[start,end) with newlines flattened, cut at max bytes on a
   UTF-8 boundary. */
static void s_slice(wt_buf_t *out, const wt_result_t *res, uint32_t start, uint32_t end, size_t max)
{
    const char *t = res->item.text;
    if (!t || start > end || end > res->item.text_len) return;
    size_t n = end - start;
    bool cut = false;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)t[start + n] & 0xC0) == 0x80)
            n--;
        cut = true;
    }
    for (size_t i = 0; i < n; i++) {
        char c = t[start + i];
        wt_buf_append(out, (c == '\n' || c == '\r' || c == '\t') ? " " : &t[start + i], 1);
    }
    if (cut) wt_buf_append(out, "...", 3);
}

static const wt_actor_t *s_actor(const wt_result_t *res, const char *id)
{
    for (size_t i = 0; id && i < res->actor_count; i++)
        if (res->actors[i].id && strcmp(res->actors[i].id, id) == 0) return &res->actors[i];
    return NULL;
}

void wt_readable_format(const wt_result_t *res, bool color, wt_buf_t *out)
{
    const char *b = color ? "\033[1m" : "", *d = color ? "\033[2m" : "",
               *r = color ? "\033[0m" : "";
    const wt_item_t *it = &res->item;
    s_printf(out, "%s", b);
    if (res->has_seq) s_printf(out, "#%llu ", (unsigned long long)res->seq);
    s_printf(out, "%s%s", it->id ? it->id : "?", r);
    if (it->published) s_printf(out, "  %s", it->published);
    if (it->title) s_printf(out, "  %s", it->title);
    s_printf(out, "\n%s  %llu bytes, %llu tokens, %llu sentences, %llu us%s\n", d,
             (unsigned long long)res->stats.bytes, (unsigned long long)res->stats.tokens,
             (unsigned long long)res->stats.sentences, (unsigned long long)res->stats.elapsed_us,
             r);
    s_printf(out, "  actors (%zu):\n", res->actor_count);
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *a = &res->actors[i];
        s_printf(out, "    %-28s %-12s %-3s %-9s %s%s x%zu%s\n", a->name ? a->name : "?",
                 wt_actor_type_name(a->type), a->country[0] ? a->country : "-",
                 a->code ? a->code : "-", a->role ? a->role : "", a->known ? "" : " (new)",
                 a->mention_count, "");
    }
    s_printf(out, "  issues (%zu):\n", res->issue_count);
    for (size_t i = 0; i < res->issue_count; i++) {
        const wt_issue_t *is = &res->issues[i];
        s_printf(out, "    %-28s %-22s score %.2f\n", is->label ? is->label : is->id,
                 is->topic ? is->topic : "-", is->score);
    }
    s_printf(out, "  quotes (%zu):\n", res->quote_count);
    for (size_t i = 0; i < res->quote_count; i++) {
        const wt_quote_t *q = &res->quotes[i];
        s_printf(out, "    [%s] ", wt_quote_kind_name(q->kind));
        const wt_actor_t *a = q->has_speaker ? s_actor(res, q->speaker_actor) : NULL;
        if (!q->has_speaker)
            s_printf(out, "(no speaker)");
        else if (a)
            s_printf(out, "%s%s%s", b, a->name, r);
        else
            s_slice(out, res, q->speaker.start, q->speaker.end, 60);
        s_printf(out, ": \"");
        s_slice(out, res, q->span.start, q->span.end, 160);
        s_printf(out, "\"\n");
    }
}

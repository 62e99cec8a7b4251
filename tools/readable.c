/*  readable.c: a compact, human-readable rendering of an annotated item,
    and the commands' printf into a buffer. */
#include "readable.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Display width of UTF-8 text in terminal columns: combining marks take
   none, East Asian wide and fullwidth characters two, others one. */
static size_t s_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 1;
        cp = n == 1 ? *p : (uint32_t)(*p & (0x7F >> n));
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                n = i;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        p += n;
        if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F)
            continue;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
                    (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* s then spaces up to width columns (at least one space after it). */
static void s_col(wt_buf_t *out, const char *s, size_t width)
{
    wt_buf_append(out, s, strlen(s));
    size_t w = s_width(s);
    for (size_t i = w; i < width; i++)
        wt_buf_append(out, " ", 1);
    wt_buf_append(out, " ", 1);
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
    wt_buf_printf(out, "%s", b);
    if (res->has_seq) wt_buf_printf(out, "#%llu ", (unsigned long long)res->seq);
    wt_buf_printf(out, "%s%s", it->id ? it->id : "?", r);
    if (it->published) wt_buf_printf(out, "  %s", it->published);
    if (it->title) wt_buf_printf(out, "  %s", it->title);
    wt_buf_printf(out, "\n%s  %llu bytes, %llu tokens, %llu sentences, %llu us%s\n", d,
                  (unsigned long long)res->stats.bytes, (unsigned long long)res->stats.tokens,
                  (unsigned long long)res->stats.sentences,
                  (unsigned long long)res->stats.elapsed_us, r);
    wt_buf_printf(out, "  actors (%zu):\n", res->actor_count);
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *a = &res->actors[i];
        wt_buf_printf(out, "    ");
        s_col(out, a->name ? a->name : "?", 28); /* columns by display width, not bytes */
        wt_buf_printf(out, "%-12s %-3s %-9s %s%s x%zu\n", wt_actor_type_name(a->type),
                      a->country[0] ? a->country : "-", a->code ? a->code : "-",
                      a->role ? a->role : "", a->known ? "" : " (new)", a->mention_count);
    }
    wt_buf_printf(out, "  issues (%zu):\n", res->issue_count);
    for (size_t i = 0; i < res->issue_count; i++) {
        const wt_issue_t *is = &res->issues[i];
        wt_buf_printf(out, "    ");
        s_col(out, is->label ? is->label : is->id, 28);
        wt_buf_printf(out, "%-22s score %.2f\n", is->topic ? is->topic : "-", is->score);
    }
    wt_buf_printf(out, "  quotes (%zu):\n", res->quote_count);
    for (size_t i = 0; i < res->quote_count; i++) {
        const wt_quote_t *q = &res->quotes[i];
        wt_buf_printf(out, "    [%s] ", wt_quote_kind_name(q->kind));
        const wt_actor_t *a = q->has_speaker ? s_actor(res, q->speaker_actor) : NULL;
        bool written = q->has_speaker && q->speaker.start < q->speaker.end &&
                       q->speaker.end <= res->item.text_len;
        if (!q->has_speaker)
            wt_buf_printf(out, "(no speaker)");
        else if (written) { /* as the text writes it, the actor's name when it differs */
            wt_buf_printf(out, "%s", b);
            s_slice(out, res, q->speaker.start, q->speaker.end, 60);
            wt_buf_printf(out, "%s", r);
            size_t n = q->speaker.end - q->speaker.start;
            if (a && a->name &&
                !(strlen(a->name) == n && !memcmp(a->name, res->item.text + q->speaker.start, n)))
                wt_buf_printf(out, " %s(%s)%s", d, a->name, r);
        } else if (a)
            wt_buf_printf(out, "%s%s%s", b, a->name, r);
        wt_buf_printf(out, ": \"");
        s_slice(out, res, q->span.start, q->span.end, 160);
        wt_buf_printf(out, "\"\n");
    }
}

/*  utf8.c: UTF-8 decoding and repair, the pass that makes untrusted bytes
    safe for the tokenizer (the engine repairs an item whose text is not
    valid UTF-8 before analysing it). */
#include "text_int.h"

#include <stdlib.h>
#include <string.h>

int wt_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    return wt_text_decode(str, n, cp);
}

char *wt_utf8_repair(const char *src, size_t n, size_t *out_len, size_t *invalid)
{
    /* Worst case every byte becomes the 3-byte U+FFFD. */
    char *out = wt_malloc(n * 3 + 1);
    size_t o = 0, bad = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)src[i];
        if (c < 0x80) {
            out[o++] = c ? (char)c : ' ';
            if (!c) bad++;
            i++;
            continue;
        }
        uint32_t cp;
        int len = wt_text_decode(src + i, n - i, &cp);
        if (cp == 0xFFFD && len == 1) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            bad++;
        } else {
            memcpy(out + o, src + i, (size_t)len);
            o += (size_t)len;
        }
        i += (size_t)len;
    }
    out[o] = 0;
    if (out_len) *out_len = o;
    if (invalid) *invalid = bad;
    return out;
}

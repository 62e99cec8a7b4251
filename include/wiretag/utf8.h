/*  utf8.h: the one UTF-8 sequence decoder (core). The validator, the text
    layer's decoder and repair, and the JSON escaper all ask the same
    question of a byte >= 0x80: does a well-formed sequence start here, and
    which code point is it? Inline: every caller is a per-byte loop.
*/
#ifndef WT_UTF8_H
#define WT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The well-formed UTF-8 sequence at s (lead byte s[0] >= 0x80, n >= 1
   bytes available): its length with the code point in *cp, or 0 when it
   is none (a stray continuation byte, an overlong form, a surrogate,
   beyond U+10FFFF, or cut short by n). */
static inline size_t wt_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

#endif

/*  bench_jsonlibs_jsonc.c: json-c's part of bench_jsonlibs.c (its names
    clash with jansson's in one translation unit). */
#include <json-c/json.h>
#include <stddef.h>

int bench_jsonc_parse(char **lines, const size_t *len, size_t n);

int bench_jsonc_parse(char **lines, const size_t *len, size_t n)
{
    json_tokener *t = json_tokener_new();
    json_tokener_set_flags(t, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    int r = 0;
    for (size_t i = 0; i < n && !r; i++) {
        json_tokener_reset(t);
        json_object *o = json_tokener_parse_ex(t, lines[i], (int)len[i]);
        if (!o) r = -1;
        json_object_put(o);
    }
    json_tokener_free(t);
    return r;
}

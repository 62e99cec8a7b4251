/*  testutil.h: the few macros our table-driven tests need. A failed CHECK
    prints file:line and the expression and counts; TEST_END returns the
    exit status (0 pass, 1 fail). SKIP exits 77, which CTest reports as
    skipped. And the setups several tests share: a temporary directory
    (wt_test_mkdtemp, wt_test_dir, wt_test_rmtree), files written into it
    (wt_test_write) and files read whole (wt_test_slurp). */
#ifndef WT_TESTUTIL_H
#define WT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int wt_test_failures = 0;
static int wt_test_checks = 0;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        wt_test_checks++;                                                                          \
        if (!(expr)) {                                                                             \
            wt_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(expr, ...)                                                                       \
    do {                                                                                           \
        wt_test_checks++;                                                                          \
        if (!(expr)) {                                                                             \
            wt_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #expr);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long wt_a_ = (long long)(a), wt_b_ = (long long)(b);                                  \
        CHECK_MSG(wt_a_ == wt_b_, "%lld != %lld", wt_a_, wt_b_);                                   \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *wt_a_ = (a), *wt_b_ = (b);                                                     \
        CHECK_MSG(wt_a_ &&wt_b_ &&strcmp(wt_a_, wt_b_) == 0, "\"%s\" != \"%s\"",                   \
                  wt_a_ ? wt_a_ : "(null)", wt_b_ ? wt_b_ : "(null)");                             \
    } while (0)

#define SKIP(...)                                                                                  \
    do {                                                                                           \
        printf("SKIP: ");                                                                          \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        exit(77);                                                                                  \
    } while (0)

#define TEST_END()                                                                                 \
    do {                                                                                           \
        printf("%d checks, %d failed\n", wt_test_checks, wt_test_failures);                        \
        return wt_test_failures ? 1 : 0;                                                           \
    } while (0)

/* Path of shared/ (eval, corpus, dictionaries): $WT_SHARED or ../shared. */
static inline const char *wt_test_shared(void)
{
    const char *s = getenv("WT_SHARED");
    return s && *s ? s : "../shared";
}

/* The test's temporary directory: /tmp/wt-test-NAME-XXXXXX after wt_test_mkdtemp. */
static inline char *wt_test_dir(void)
{
    static char dir[256];
    return dir;
}

/* Create wt_test_dir (exits 1 when it cannot); returns it. */
static inline const char *wt_test_mkdtemp(const char *name)
{
    char *dir = wt_test_dir();
    snprintf(dir, 256, "/tmp/wt-test-%s-XXXXXX", name);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    return dir;
}

/* Remove wt_test_dir and everything below it. */
static inline void wt_test_rmtree(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", wt_test_dir());
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", wt_test_dir());
}

/* Write text to wt_test_dir/rel (its folder must exist; exits 1 when it
   cannot); returns the path (a static buffer, valid until the next call). */
static inline const char *wt_test_write(const char *rel, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", wt_test_dir(), rel);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return path;
}

/* The whole file at path, NUL-terminated (free it), its size in *len if len
   is not NULL; NULL when it cannot be read. */
static inline char *wt_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    if (len) *len = got;
    return b;
}

#endif

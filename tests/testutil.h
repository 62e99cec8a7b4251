/*  testutil.h: the few macros our table-driven tests need. A failed CHECK
    prints file:line and the expression and counts; TEST_END returns the
    exit status (0 pass, 1 fail). SKIP exits 77, which CTest reports as
    skipped. */
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

#endif

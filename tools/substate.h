/*  substate.h: `wiretag sub --state FILE`, the saved position of a
    subscriber (the last result sequence it handled), so that a restarted
    subscriber resumes after it instead of replaying everything. */
#ifndef WT_SUBSTATE_H
#define WT_SUBSTATE_H

#include <stddef.h>
#include <stdint.h>

/* 1 and *last = the saved sequence; 0 when FILE is absent or empty (no
   position yet); -1 with a message in err when FILE cannot be read or does
   not hold one decimal number. */
int wt_sub_state_load(const char *path, uint64_t *last, char *err, size_t errlen);

/* Replace FILE with `last` (written to FILE.tmp, then renamed: a crash
   leaves the old or the new position, never half of one). 0 or -1. */
int wt_sub_state_save(const char *path, uint64_t last, char *err, size_t errlen);

#endif

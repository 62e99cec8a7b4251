/*  readable.h: the human-readable form of an annotated item, for terminals
    (`wiretag annotate --readable`, `wiretag sub` without --json). */
#ifndef WT_TOOLS_READABLE_H
#define WT_TOOLS_READABLE_H

#include "wiretag/codec.h"

#include <stdio.h>

/* Append a readable block for res to out: title line, actors, issues and
   quotes with their speakers. color adds ANSI emphasis. */
void wt_readable_format(const wt_result_t *res, bool color, wt_buf_t *out);

#endif

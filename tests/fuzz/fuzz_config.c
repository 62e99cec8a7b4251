/*  fuzz_config.c: libFuzzer target for the configuration loader.

    The input is loaded as a YAML config through wt_config_load_buffer()
    (no file needed). Every input must end in success or WT_ECONFIG with a
    message "NAME:LINE:COL: ..." and leave a struct that frees cleanly. */
#include "wiretag/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wt_config_t cfg = {0};
    char err[512];
    int rc = wt_config_load_buffer(&cfg, "fuzz.yaml", (const char *)data, size, err, sizeof err);
    if (rc != 0 && (rc != WT_ECONFIG || strncmp(err, "fuzz.yaml:", 10) != 0)) {
        fprintf(stderr, "unexpected result %d: %s\n", rc, err);
        abort();
    }
    /* every key prints */
    for (size_t i = 0; wt_config_key(i); i++)
        free(wt_config_get(&cfg, wt_config_key(i)));
    wt_config_free(&cfg);
    return 0;
}

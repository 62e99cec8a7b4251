/*  keygen.c: `wiretag keygen NAME` writes a CURVE key pair: NAME.key (both
    keys, mode 0600) and NAME.pub (the public key to hand to the other
    side). */
#include "cmds.h"
#include "wiretag/curve.h"

#include <stdio.h>
#include <string.h>

int cmd_keygen(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        FILE *f =
            (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) ? stdout : stderr;
        fprintf(f, "usage: wiretag keygen NAME\n\n"
                   "Write a CURVE key pair: NAME.key (public and secret key, mode 0600) and\n"
                   "NAME.pub (public key only). The broker uses its .key as curve.secret_key;\n"
                   "clients list the broker's .pub as curve.server_key; the broker allows a\n"
                   "client when the client's .pub is in curve.allowed_keys.\n");
        return f == stdout ? 0 : 2;
    }
    char err[512];
    wt_curve_keys_t keys;
    int rc = wt_curve_keygen(argv[1], &keys, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "wiretag keygen: %s\n", err);
        return 1;
    }
    printf("wrote %s.key (secret, mode 0600) and %s.pub\npublic key: %s\n", argv[1], argv[1],
           keys.public_key);
    return 0;
}

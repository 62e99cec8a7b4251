/*  wiretag.c: the `wiretag` command, one binary with subcommands. */
#include "cmds.h"
#include "natscmd.h"
#include "wiretag/common.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} s_cmds[] = {
    {"annotate", cmd_annotate, "annotate files or stdin offline, JSON Lines out"},
    {"feed", cmd_feed, "send items to a broker, with acks and progress"},
    {"sub", cmd_sub, "subscribe to annotated results (filters, replay)"},
    {"stats", cmd_stats, "broker and worker figures, dead letters"},
    {"dead", cmd_dead, "list, show, requeue or export dead letters"},
    {"keygen", cmd_keygen, "write a CURVE key pair"},
    {"web", cmd_web, "a live view of the stream in a browser (SSE)"},
    {"nats-init", cmd_nats_init, "create or check the NATS JetStream streams"},
};

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++)
        fprintf(f, "  %-9s %s\n", s_cmds[i].name, s_cmds[i].help);
    fprintf(f,
            "\n`wiretag help COMMAND` (or `wiretag COMMAND --help`) shows a command's options.\n"
            "Version %s.\n",
            WT_VERSION);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        s_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "help")) { /* `wiretag help [COMMAND]` */
        if (argc < 3) {
            s_usage(stdout);
            return 0;
        }
        for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++)
            if (strcmp(argv[2], s_cmds[i].name) == 0) {
                char *sub[] = {argv[2], "--help", NULL};
                return s_cmds[i].fn(2, sub);
            }
        fprintf(stderr, "wiretag help: unknown command '%s'\n\n", argv[2]);
        s_usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("wiretag %s\n", WT_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++) {
        if (strcmp(argv[1], s_cmds[i].name) == 0) {
            return s_cmds[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "wiretag: unknown command '%s'\n\n", argv[1]);
    s_usage(stderr);
    return 2;
}

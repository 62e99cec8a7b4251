/*  cmds.h: the subcommands of the `wiretag` command. Each takes the
    arguments after the subcommand name (argv[0] is the subcommand) and
    returns the process exit status. */
#ifndef WT_TOOLS_CMDS_H
#define WT_TOOLS_CMDS_H

int cmd_annotate(int argc, char **argv); /* annotate.c */
int cmd_feed(int argc, char **argv);     /* feed.c */
int cmd_sub(int argc, char **argv);      /* sub.c */
int cmd_stats(int argc, char **argv);    /* stats.c */
int cmd_keygen(int argc, char **argv);   /* keygen.c */
int cmd_web(int argc, char **argv);      /* web.c */
int cmd_dead(int argc, char **argv);     /* dead.c */

#endif

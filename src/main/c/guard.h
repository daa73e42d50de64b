/*
 * haven-guard: the native guard beside each haven daemon (see haven-guard.c for what it does and why it is C).
 * Shared declarations of its three files: haven-guard.c (the loop, the protocol and the rules), forceoff.c (the
 * force-off steps) and proc.c (/proc, commands, the log).
 */
#ifndef HAVEN_GUARD_H
#define HAVEN_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- the log: "HH:mm:ss.SSS guard of NODE: text", the words tests and the failover bench look for ---- */
void log_init(const char *node);
void logf_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- a growable string ---- */
struct buf {
    char *data;
    size_t len, cap;
};
void buf_add(struct buf *b, const char *text, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* ---- time ---- */
long long mono_ms(void);
void sleep_ms(long long ms);

/* ---- /proc ---- */
struct pstat {
    char state;
    long long ppid, pgrp, start_ticks;
    unsigned long flags;
};
/* 0 when read, -1 when the process does not exist (or vanished while read). */
int proc_stat(long long pid, struct pstat *st);
bool proc_zombie(const struct pstat *st);

struct pids {
    long long *v;
    size_t n, cap;
};
void pids_add(struct pids *p, long long pid);
void pids_free(struct pids *p);
/* "[1, 2]", as Java prints a list. */
void pids_text(const struct pids *p, struct buf *out);
/* Living (not zombie) members of group pgid; -1 when /proc cannot be listed. */
int members_of(long long pgid, struct pids *out);
/* Living processes whose environment holds exactly HAVEN_RESOURCE=marker, this one excepted; -1 (errno) when /proc
 * cannot be listed. */
/* unsure (may be NULL): counts processes whose environment reads empty though they are no kernel threads, which is
 * what a process shows in the middle of an exec: looked at again, it may turn out marked. */
int marked_find(const char *marker, struct pids *out, size_t *unsure);

/* ---- commands ---- */
struct run_result {
    int exit_code;    /* 128+N when killed by signal N, 127 when it could not be started */
    bool timed_out;
    long long elapsed_ms;
    struct buf out;   /* stdout and stderr together */
};
/* Runs argv (looked up in PATH) in a session of its own, stdin /dev/null, up to limit_ms; never fails. */
void run_command(char *const argv[], long long limit_ms, struct run_result *r);
bool run_ok(const struct run_result *r);
/* ProcessRunner.Result.describe(): "ip addr del ...: exited with 2: <last lines>". */
void run_describe(char *const argv[], const struct run_result *r, struct buf *out);
void run_free(struct run_result *r);

/* Long.parseLong: an optional sign, then decimal digits only, within range. */
bool parse_long(const char *s, long long *out);

/* ---- force-off steps (haven.core.ForceOff) ---- */
enum step_kind { STEP_ADDRESS, STEP_GROUP, STEP_RECORDED, STEP_MARKED, STEP_UNMOUNT };
struct step {
    enum step_kind kind;
    long long pgid;   /* STEP_GROUP */
    char *value;      /* the address, file or marker */
};
/* ForceOff.decode: 0, or -1 with the Java guard's message in err. */
int step_decode(const char *word, struct step *out, struct buf *err);
void step_free(struct step *s);

/* Runs one step; true when the resource's part is gone. text receives the log line's words ("no ..." when there was
 * nothing to end: ForceOffRunner.NOTHING). */
bool step_run(const struct step *s, struct buf *text);
void forceoff_warm_up(void);

#endif

/*
 * haven-guard: the guard beside each haven daemon, as a small native program.
 *
 * It does what haven.guard.GuardMain does, with the same command line, pipe protocol (haven.guard.GuardMessage), rules
 * (haven.guard.GuardState), force-off steps and log lines, in one thread that sleeps in poll() until a line comes or
 * the next rule could fire (at most a second):
 *   - deadline passed with resources armed -> force them off (they stay armed: the daemon may start them again under
 *     a later deadline);
 *   - daemon silent longer than the hang limit -> force off everything and SIGKILL the daemon;
 *   - pipe closed -> force off everything; bye -> force off what is still armed and exit 0;
 *   - after forcing everything off, look again 100 ms and 900 ms later for a start that was in flight.
 * A JVM costs ~38 MB of memory and ~0.4 s of CPU a minute to do this; this program ~1 MB and next to nothing.
 * GuardConformanceTest drives both guards through the same scenarios, which keeps them in line.
 *
 * Usage: haven-guard DAEMON_PID HANG_LIMIT_MS NODE [WATCHDOG_DEVICE] (started by `haven node`, not by hand);
 *        haven-guard --version (prints "haven-guard 1": the daemon checks that the program runs here).
 */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SLEEP_MS 1000
/* What `--version` prints after the name: the pipe protocol this program speaks (GuardMessage's). */
#define PROTOCOL_VERSION 1
#define REALTIME_PRIORITY 50
#define LINE_MAX_BYTES 65536

/* Java's long arithmetic wraps; the daemon's deadlines are any long it chose. */
static long long wrap_add(long long a, long long b) {
    return (long long)((unsigned long long)a + (unsigned long long)b);
}

static long long wrap_sub(long long a, long long b) {
    return (long long)((unsigned long long)a - (unsigned long long)b);
}

/* ---- what the guard knows (GuardState) ---- */

struct resource {
    char name[64];
    struct step *steps;
    size_t n;
};

struct armed {
    struct resource *v;
    size_t n, cap;
};

static struct armed armed;
static long long hang_limit_ms;
static long long deadline_ms = LLONG_MIN;
/* The deadline already acted on: the daemon may start again only after it gives a later one. */
static long long fired_for_ms = LLONG_MIN;
static long long last_heard_ms;
static bool shutting_down = false;

static void resource_free(struct resource *r) {
    for (size_t i = 0; i < r->n; i++) step_free(&r->steps[i]);
    free(r->steps);
    r->steps = NULL;
    r->n = 0;
}

static void armed_free(struct armed *a) {
    for (size_t i = 0; i < a->n; i++) resource_free(&a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* Kept in name order, as GuardState's TreeMap is, so both guards log and act in the same order. */
static void arm(struct resource *r) {
    size_t i = 0;
    while (i < armed.n && strcmp(armed.v[i].name, r->name) < 0) i++;
    if (i < armed.n && strcmp(armed.v[i].name, r->name) == 0) {
        resource_free(&armed.v[i]);
        armed.v[i] = *r;
        return;
    }
    if (armed.n == armed.cap) {
        armed.cap = armed.cap ? armed.cap * 2 : 8;
        armed.v = realloc(armed.v, armed.cap * sizeof *armed.v);
        if (!armed.v) abort();
    }
    memmove(&armed.v[i + 1], &armed.v[i], (armed.n - i) * sizeof *armed.v);
    armed.v[i] = *r;
    armed.n++;
}

static void disarm(const char *name) {
    for (size_t i = 0; i < armed.n; i++) {
        if (strcmp(armed.v[i].name, name) == 0) {
            resource_free(&armed.v[i]);
            memmove(&armed.v[i], &armed.v[i + 1], (armed.n - i - 1) * sizeof *armed.v);
            armed.n--;
            return;
        }
    }
}

static bool deadline_passed(long long now) {
    return armed.n > 0 && now > deadline_ms && fired_for_ms != deadline_ms;
}

static bool daemon_hung(long long now) {
    return !shutting_down && wrap_sub(now, last_heard_ms) > hang_limit_ms;
}

static long long sleep_for(long long now, long long max) {
    long long until_hang = shutting_down ? max : wrap_sub(wrap_add(wrap_add(last_heard_ms, hang_limit_ms), 1), now);
    long long until_deadline = armed.n == 0 || fired_for_ms == deadline_ms ? max : wrap_sub(wrap_add(deadline_ms, 1), now);
    long long t = until_hang < until_deadline ? until_hang : until_deadline;
    if (t > max) t = max;
    return t < 0 ? 0 : t;
}

/* ---- the protocol (GuardMessage.parse), with the Java guard's messages ---- */

enum verb { ARM, DISARM, DEADLINE, ALIVE, SHUTDOWN, BYE };

static bool name_valid(const char *s) {
    size_t n = strlen(s);
    if (n < 1 || n > 63 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Splits the trimmed line into words; returns how many (at most max). */
static int split_words(char *line, char **w, int max) {
    char *z = line + strlen(line);
    while (*line && (unsigned char)*line <= ' ') line++;
    while (z > line && (unsigned char)z[-1] <= ' ') *--z = '\0';
    int n = 0;
    char *p = line;
    while (*p && n < max) {
        w[n++] = p;
        while (*p && !is_space(*p)) p++;
        if (!*p) break;
        *p++ = '\0';
        while (is_space(*p)) p++;
    }
    return n;
}

static int need(char **w, int n, int at_least, const char *usage, struct buf *err) {
    if (n >= at_least) return 0;
    buf_add(err, "'", 1);
    for (int i = 0; i < n; i++) buf_printf(err, "%s%s", i ? " " : "", w[i]);
    buf_printf(err, "': expected %s", usage);
    return -1;
}

#define MAX_WORDS 256

/* Takes in one line; 1 when the guard's work is over (bye), 0 otherwise, -1 (why in err) for a bad line. */
static int take(const char *text, long long now, struct buf *err) {
    char *line = strdup(text);
    if (!line) abort();
    static char *w[MAX_WORDS];
    int n = split_words(line, w, MAX_WORDS);
    int rc = -1;
    const char *verb = n ? w[0] : "";
    long long at;
    if (strcmp(verb, "arm") == 0) {
        if (need(w, n, 3, "arm RESOURCE STEP... (STEP: address:A/LEN, group:PGID, recorded:FILE, marked:MARKER, unmount:DIR or -)", err)) goto out;
        if (!name_valid(w[1])) {
            buf_printf(err, "resource name '%s' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)", w[1]);
            goto out;
        }
        struct resource r = {0};
        snprintf(r.name, sizeof r.name, "%s", w[1]);
        r.steps = calloc((size_t)n, sizeof *r.steps);
        if (!r.steps) abort();
        for (int i = 2; i < n; i++) {
            if (strcmp(w[i], "-") == 0) continue;
            if (step_decode(w[i], &r.steps[r.n], err) < 0) {
                resource_free(&r);
                goto out;
            }
            r.n++;
        }
        last_heard_ms = now;
        arm(&r);
        rc = 0;
    } else if (strcmp(verb, "disarm") == 0) {
        if (need(w, n, 2, "disarm RESOURCE", err)) goto out;
        if (!name_valid(w[1])) {
            buf_printf(err, "resource name '%s' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)", w[1]);
            goto out;
        }
        last_heard_ms = now;
        disarm(w[1]);
        rc = 0;
    } else if (strcmp(verb, "deadline") == 0 || strcmp(verb, "shutdown") == 0) {
        bool shutdown = verb[0] == 's';
        if (need(w, n, 2, shutdown ? "shutdown MONOTONIC_MS" : "deadline MONOTONIC_MS", err)) goto out;
        if (!parse_long(w[1], &at)) {
            buf_printf(err, "'%s': the time must be a whole number of milliseconds", text);
            goto out;
        }
        last_heard_ms = now;
        deadline_ms = at;
        if (shutdown) shutting_down = true;
        rc = 0;
    } else if (strcmp(verb, "alive") == 0) {
        last_heard_ms = now;
        rc = 0;
    } else if (strcmp(verb, "bye") == 0) {
        last_heard_ms = now;
        rc = 1;
    } else {
        buf_printf(err, "unknown verb '%s' (arm, disarm, deadline, alive, shutdown, bye)", verb);
    }
out:
    free(line);
    return rc;
}

/* ---- the watchdog device (haven.guard.Watchdog) ---- */

static const char *watchdog_path;
static int watchdog_fd = -1;
static bool watchdog_failed = false;
/* Whether some force-off failed: something of this node's may still run, which only a reset ends. */
static bool unforced = false;

static void watchdog_open(void) {
    /* Opening arms it. O_CLOEXEC: a command the guard runs must not hold the device open after the guard is gone. */
    watchdog_fd = open(watchdog_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (watchdog_fd < 0) {
        logf_line("watchdog %s NOT armed (%s (%s)): a hung guard would go unnoticed", watchdog_path, watchdog_path, strerror(errno));
    } else {
        logf_line("watchdog %s armed", watchdog_path);
    }
}

static void watchdog_pet(void) {
    if (watchdog_fd < 0 || watchdog_failed || unforced) return;
    ssize_t w;
    while ((w = write(watchdog_fd, ".", 1)) < 0 && errno == EINTR) {
    }
    if (w != 1) {
        watchdog_failed = true;
        logf_line("watchdog %s cannot be petted (%s): the machine will be reset", watchdog_path, strerror(errno));
    }
}

/* Disarmed only when nothing of this node's can still run; otherwise the device resets the machine. */
static void watchdog_release(void) {
    if (watchdog_fd < 0) return;
    if (unforced) {
        watchdog_failed = true; /* left open and unpetted: the kernel resets the machine when it runs out */
        logf_line("WATCHDOG left armed: something here could not be forced off; the kernel will reset this machine");
        return;
    }
    ssize_t w;
    while ((w = write(watchdog_fd, "V", 1)) < 0 && errno == EINTR) {
    }
    close(watchdog_fd);
    watchdog_fd = -1;
    logf_line("watchdog disarmed");
}

/* ---- forcing off (ForceOffRunner.runAll / sweep, GuardMain.forceOff / forceOffAll) ---- */

static void names_text(const struct armed *a, struct buf *out) {
    buf_add(out, "[", 1);
    for (size_t i = 0; i < a->n; i++) buf_printf(out, "%s%s", i ? ", " : "", a->v[i].name);
    buf_add(out, "]", 1);
}

/* ForceOffRunner.passOf: addresses, then processes, then mounts. */
static int pass_of(const struct step *s) {
    return s->kind == STEP_ADDRESS ? 0 : s->kind == STEP_UNMOUNT ? 2 : 1;
}

/* Addresses first: once the address is gone no client reaches the node, and the peer that takes over can announce
 * it; the processes behind it are killed next; mounts last, once nothing of this node's holds files open on them. */
static void force_off(const struct armed *a, const char *why) {
    struct buf names = {0};
    names_text(a, &names);
    logf_line("forcing off %s: %s", names.data, why);
    buf_free(&names);
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < a->n; i++) {
            for (size_t j = 0; j < a->v[i].n; j++) {
                const struct step *s = &a->v[i].steps[j];
                if (pass_of(s) != pass) continue;
                struct buf text = {0};
                unforced |= !step_run(s, &text);
                logf_line("  %s: %s", a->v[i].name, text.data);
                buf_free(&text);
            }
        }
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i].n == 0) logf_line("  %s: no step known (its processes were not started yet)", a->v[i].name);
    }
}

/* Again only the steps that find processes without a group id, reporting only what they found. */
static void sweep(const struct armed *a) {
    for (size_t i = 0; i < a->n; i++) {
        for (size_t j = 0; j < a->v[i].n; j++) {
            const struct step *s = &a->v[i].steps[j];
            if (s->kind != STEP_RECORDED && s->kind != STEP_MARKED) continue;
            struct buf text = {0};
            unforced |= !step_run(s, &text);
            if (strncmp(text.data, "no ", 3) != 0) logf_line("second look:  %s: %s", a->v[i].name, text.data);
            buf_free(&text);
        }
    }
}

static void force_off_all(const char *why) {
    if (armed.n == 0) return;
    struct armed all = armed;
    memset(&armed, 0, sizeof armed);
    force_off(&all, why);
    /* A start the daemon had begun may not have recorded its group yet (its shell writes the record a few ms after
     * the fork, and before the exec nothing carries the marker): look again once it has had time to. */
    static const long long sweep_after_ms[] = {100, 900};
    for (size_t k = 0; k < sizeof sweep_after_ms / sizeof *sweep_after_ms; k++) {
        sleep_ms(sweep_after_ms[k]);
        sweep(&all);
    }
    armed_free(&all);
}

/* ---- the daemon ---- */

static long long daemon_pid;
/* Its start time when the guard began: a PID reused after the daemon is gone must not be killed. */
static long long daemon_start_ticks = -1;

static void kill_daemon(void) {
    struct pstat st;
    if (proc_stat(daemon_pid, &st) < 0 || proc_zombie(&st)) return;
    if (daemon_start_ticks >= 0 && st.start_ticks != daemon_start_ticks) return;
    logf_line("killing the silent daemon (PID %lld) so that the cluster sees it gone", daemon_pid);
    kill((pid_t)daemon_pid, SIGKILL);
}

/* ---- the pipe ---- */

static char in[LINE_MAX_BYTES];
static size_t in_len = 0;
static bool in_eof = false;
static bool skip_lf = false;   /* the last line ended with '\r': a '\n' right after belongs to it */
static bool discarding = false; /* within a line too long to keep */
static char line[LINE_MAX_BYTES + 1];

static bool blank(const char *s) {
    for (; *s; s++) {
        if (!is_space(*s) && (unsigned char)*s > ' ') return false;
    }
    return true;
}

/* The next non-blank line (terminated by \n, \r or \r\n, as BufferedReader.readLine reads them; at the end of the
 * pipe, what is left), or NULL when none is complete yet. */
static const char *next_line(void) {
    for (;;) {
        if (skip_lf && in_len > 0) {
            if (in[0] == '\n') memmove(in, in + 1, --in_len);
            skip_lf = false;
        }
        size_t i = 0;
        while (i < in_len && in[i] != '\n' && in[i] != '\r') i++;
        if (i == in_len) {
            if (in_len == sizeof in) {
                logf_line("ignored a bad line from the daemon: a line longer than %d bytes", LINE_MAX_BYTES);
                discarding = true;
                in_len = 0;
                continue;
            }
            if (!in_eof || in_len == 0) return NULL;
            if (discarding) {
                in_len = 0;
                return NULL;
            }
            memcpy(line, in, in_len);
            line[in_len] = '\0';
            in_len = 0;
            return blank(line) ? NULL : line;
        }
        bool was_discarding = discarding;
        discarding = false;
        memcpy(line, in, i);
        line[i] = '\0';
        skip_lf = in[i] == '\r';
        memmove(in, in + i + 1, in_len - i - 1);
        in_len -= i + 1;
        if (!was_discarding && !blank(line)) return line;
    }
}

/* Waits up to timeout_ms for bytes from the daemon. */
static void read_pipe(long long timeout_ms) {
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int n = poll(&p, 1, (int)timeout_ms);
    if (n <= 0) return;
    ssize_t got = read(STDIN_FILENO, in + in_len, sizeof in - in_len);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (got < 0) logf_line("pipe from the daemon broke: %s", strerror(errno));
    if (got <= 0) in_eof = true;
    else in_len += (size_t)got;
}

static void watch(void) {
    for (;;) {
        watchdog_pet();
        const char *l = next_line();
        if (!l && !in_eof) {
            read_pipe(sleep_for(mono_ms(), MAX_SLEEP_MS));
            l = next_line();
        }
        if (!l && in_eof && in_len == 0) {
            force_off_all("the daemon is gone (its pipe closed)");
            return;
        }
        if (l) {
            struct buf err = {0};
            int rc = take(l, mono_ms(), &err);
            /* A garbled line must not stop the guard: everything else it was told still stands. */
            if (rc < 0) logf_line("ignored a bad line from the daemon: %s", err.data);
            buf_free(&err);
            if (rc == 1) {
                force_off_all("the daemon exited with resources it did not stop");
                logf_line("daemon exited in order; guard done");
                return;
            }
        }
        long long now = mono_ms();
        if (deadline_passed(now)) {
            fired_for_ms = deadline_ms;
            struct buf why = {0};
            buf_printf(&why, "deadline passed %lld ms ago (lease lost, or the daemon is frozen)", wrap_sub(now, deadline_ms));
            force_off(&armed, why.data);
            buf_free(&why);
        }
        if (daemon_hung(now)) {
            force_off_all("the daemon has been silent too long");
            kill_daemon();
            shutting_down = true; /* after the kill only the pipe's end is awaited */
        }
    }
}

/* Round-robin real-time, as corosync and sbd run: the guard must force a node's resources off by the end of its
 * lease even on a saturated machine. It sleeps nearly always; the kernel's real-time throttling bounds a bug's harm.
 * The commands it runs inherit the policy. */
static const char *raise_priority(void) {
    static char text[256];
    struct sched_param p = {.sched_priority = REALTIME_PRIORITY};
    if (sched_setscheduler(0, SCHED_RR, &p) == 0) {
        snprintf(text, sizeof text, "running at real-time priority (SCHED_RR %d)", REALTIME_PRIORITY);
    } else {
        snprintf(text, sizeof text, "running at normal priority: sched_setscheduler said %s", strerror(errno));
    }
    return text;
}

static int usage(const char *why) {
    fprintf(stderr, "haven-guard: %s\nusage: haven-guard DAEMON_PID HANG_LIMIT_MS NODE [WATCHDOG_DEVICE] (started by `haven node`, not by hand)\n", why);
    return 2;
}

int main(int argc, char **argv) {
    /* The daemon runs this once before it relies on the program (a binary built for another machine must not
     * leave a node without its guard). */
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("haven-guard %d\n", PROTOCOL_VERSION);
        return 0;
    }
    if (argc != 4 && argc != 5) return usage("expected 3 or 4 arguments");
    if (!parse_long(argv[1], &daemon_pid) || daemon_pid <= 1) return usage("DAEMON_PID must be a process id above 1");
    if (!parse_long(argv[2], &hang_limit_ms) || hang_limit_ms <= 0) return usage("HANG_LIMIT_MS must be a positive number of milliseconds");
    log_init(argv[3]);
    watchdog_path = argc == 5 ? argv[4] : NULL;
    /* A closed log must not kill the guard; commands it runs get the default back (proc.c). */
    signal(SIGPIPE, SIG_IGN);
    last_heard_ms = mono_ms();
    struct pstat st;
    if (proc_stat(daemon_pid, &st) == 0) daemon_start_ticks = st.start_ticks;
    forceoff_warm_up();
    logf_line("watching daemon PID %lld, %s", daemon_pid, raise_priority());
    if (watchdog_path) watchdog_open();
    watch();
    watchdog_release();
    armed_free(&armed);
    return 0;
}

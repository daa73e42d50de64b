/*
 * The native guard's plumbing: its log, /proc (haven.process.ProcStat, ProcessGroup.membersOf,
 * MarkedProcesses.find) and short commands (haven.process.ProcessRunner).
 */
#define _GNU_SOURCE
#include "guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *log_node = "?";

void log_init(const char *node) {
    log_node = node;
}

/* One write(2) per line: no stdio buffer to lose when the guard is killed, and lines from the guard and the daemon
 * sharing a log file do not interleave within a line. */
void logf_line(const char *fmt, ...) {
    struct buf b = {0};
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    buf_printf(&b, "%02d:%02d:%02d.%03ld guard of %s: ", tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000), log_node);
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n >= 0) buf_add(&b, text, (size_t)n);
    free(text);
    buf_add(&b, "\n", 1);
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(STDOUT_FILENO, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break; /* no log to write to: the guard's work goes on all the same */
        off += (size_t)w;
    }
    buf_free(&b);
}

void buf_add(struct buf *b, const char *text, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) abort(); /* a guard without memory cannot do its work; the daemon sees it exit and starts another */
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    buf_add(b, text, (size_t)n);
    free(text);
}

void buf_free(struct buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* The clock of the daemon's System.nanoTime(), in which its deadlines are written. */
long long mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long long ms) {
    if (ms <= 0) return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {
    }
}

/* Reads a whole (small or /proc) file; -1 when it cannot be opened or read. */
static int read_file(const char *path, struct buf *out) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0) break;
        buf_add(out, chunk, (size_t)n);
    }
    close(fd);
    if (!out->data) buf_add(out, "", 0);
    return 0;
}

/* The command name (field 2) may hold spaces and parentheses: fields are counted from the last ')'. */
int proc_stat(long long pid, struct pstat *st) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    struct buf b = {0};
    if (read_file(path, &b) < 0) return -1;
    char *close = strrchr(b.data, ')');
    int rc = -1;
    if (close && close[1] == ' ' && close[2]) {
        char *f[20];
        int n = 0;
        char *save = NULL;
        for (char *w = strtok_r(close + 2, " ", &save); w && n < 20; w = strtok_r(NULL, " ", &save)) f[n++] = w;
        if (n == 20) {
            st->state = f[0][0];
            st->ppid = strtoll(f[1], NULL, 10);
            st->pgrp = strtoll(f[2], NULL, 10);
            st->flags = strtoul(f[6], NULL, 10);
            st->start_ticks = strtoll(f[19], NULL, 10);
            rc = 0;
        }
    }
    buf_free(&b);
    return rc;
}

bool proc_zombie(const struct pstat *st) {
    return st->state == 'Z' || st->state == 'X';
}

void pids_add(struct pids *p, long long pid) {
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
        if (!p->v) abort();
    }
    p->v[p->n++] = pid;
}

void pids_free(struct pids *p) {
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}

void pids_text(const struct pids *p, struct buf *out) {
    buf_add(out, "[", 1);
    for (size_t i = 0; i < p->n; i++) buf_printf(out, "%s%lld", i ? ", " : "", p->v[i]);
    buf_add(out, "]", 1);
}

/* Calls each(pid) for every process in /proc; -1 (errno set) when /proc cannot be listed. */
static int each_pid(void (*each)(long long pid, void *ctx), void *ctx) {
    DIR *d = opendir("/proc");
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char *end;
        long long pid = strtoll(e->d_name, &end, 10);
        if (*end) continue;
        each(pid, ctx);
    }
    closedir(d);
    return 0;
}

struct member_scan {
    long long pgid;
    struct pids *out;
};

static void member_each(long long pid, void *ctx) {
    struct member_scan *s = ctx;
    struct pstat st;
    if (proc_stat(pid, &st) == 0 && st.pgrp == s->pgid && !proc_zombie(&st)) pids_add(s->out, pid);
}

int members_of(long long pgid, struct pids *out) {
    struct member_scan s = {pgid, out};
    return each_pid(member_each, &s);
}

struct marked_scan {
    const char *needle;
    size_t needle_len;
    long long self;
    struct pids *out;
    size_t *unsure;
};

/* The kernel's PF_KTHREAD: kernel threads have no environment at all. */
#define KERNEL_THREAD_FLAG 0x00200000UL

/* Whether the NUL-separated environment holds exactly the entry needle. */
static bool env_holds(const char *env, size_t len, const char *needle, size_t needle_len) {
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || env[i] == '\0') {
            if (i - start == needle_len && memcmp(env + start, needle, needle_len) == 0) return true;
            start = i + 1;
        }
    }
    return false;
}

static void marked_each(long long pid, void *ctx) {
    struct marked_scan *s = ctx;
    if (pid == s->self) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%lld/environ", pid);
    struct buf env = {0};
    if (read_file(path, &env) < 0) return; /* exited meanwhile, or a kernel thread */
    if (env_holds(env.data, env.len, s->needle, s->needle_len)) {
        struct pstat st;
        if (proc_stat(pid, &st) == 0 && !proc_zombie(&st)) pids_add(s->out, pid);
    } else if (env.len == 0 && s->unsure) {
        /* During an exec the new image's environment is not set up yet and reads empty. */
        struct pstat st;
        if (proc_stat(pid, &st) == 0 && !proc_zombie(&st) && !(st.flags & KERNEL_THREAD_FLAG)) (*s->unsure)++;
    }
    buf_free(&env);
}

int marked_find(const char *marker, struct pids *out, size_t *unsure) {
    struct buf needle = {0};
    buf_printf(&needle, "HAVEN_RESOURCE=%s", marker);
    if (unsure) *unsure = 0;
    struct marked_scan s = {needle.data, needle.len, (long long)getpid(), out, unsure};
    int rc = each_pid(marked_each, &s);
    buf_free(&needle);
    return rc;
}

/* ---- commands ---- */

#define KILL_GRACE_MS 500
#define KILL_WAIT_MS 2000
#define OUTPUT_LIMIT (4 * 1024 * 1024)

/* Waits up to limit_ms for the child; true (status set) when it was reaped. */
static bool reap(pid_t pid, long long limit_ms, int *status) {
    long long until = mono_ms() + limit_ms;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid) return true;
        if (r < 0 && errno != EINTR) return true; /* not ours any more: nothing to wait for */
        if (mono_ms() >= until) return false;
        sleep_ms(5);
    }
}

void run_command(char *const argv[], long long limit_ms, struct run_result *r) {
    memset(r, 0, sizeof *r);
    long long start = mono_ms();
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0) {
        r->exit_code = 127;
        buf_printf(&r->out, "cannot start: pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        r->exit_code = 127;
        buf_printf(&r->out, "cannot start: fork: %s", strerror(errno));
        close(out[0]);
        close(out[1]);
        return;
    }
    if (pid == 0) {
        /* A group of its own, so a timeout ends what the command started too (ProcessRunner does the same). */
        setsid();
        signal(SIGPIPE, SIG_DFL);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        execvp(argv[0], argv);
        dprintf(STDOUT_FILENO, "cannot start: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out[1]);
    long long until = start + limit_ms;
    bool eof = false;
    while (!eof) {
        long long left = until - mono_ms();
        if (left <= 0) break;
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
        if (n < 0 && errno != EINTR) break;
        if (n <= 0) continue;
        char chunk[4096];
        ssize_t got = read(out[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            eof = true;
        } else if (r->out.len < OUTPUT_LIMIT) {
            buf_add(&r->out, chunk, (size_t)got);
        }
    }
    close(out[0]);
    int status = 0;
    long long left = until - mono_ms();
    if (reap(pid, left > 0 ? left : 0, &status)) {
        r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    } else {
        kill(-pid, SIGTERM);
        if (!reap(pid, KILL_GRACE_MS, &status)) {
            kill(-pid, SIGKILL);
            reap(pid, KILL_WAIT_MS, &status);
        }
        r->timed_out = true;
        r->exit_code = -1;
    }
    r->elapsed_ms = mono_ms() - start;
    if (!r->out.data) buf_add(&r->out, "", 0);
}

bool run_ok(const struct run_result *r) {
    return !r->timed_out && r->exit_code == 0;
}

static bool blank(char c) {
    return (unsigned char)c <= ' ';
}

void run_describe(char *const argv[], const struct run_result *r, struct buf *out) {
    for (int i = 0; argv[i]; i++) buf_printf(out, "%s%s", i ? " " : "", argv[i]);
    if (r->timed_out) buf_printf(out, ": timed out after %lld ms", r->elapsed_ms);
    else buf_printf(out, ": exited with %d", r->exit_code);
    /* the last 5 lines of what it printed, on one line */
    const char *s = r->out.data ? r->out.data : "";
    size_t a = 0, z = r->out.len;
    while (a < z && blank(s[a])) a++;
    while (z > a && blank(s[z - 1])) z--;
    if (a == z) return;
    size_t from = z;
    int lines = 0;
    while (from > a) {
        if (s[from - 1] == '\n' && ++lines == 5) break;
        from--;
    }
    buf_add(out, ": ", 2);
    for (size_t i = from; i < z; i++) buf_add(out, s[i] == '\n' ? " " : s + i, 1);
}

void run_free(struct run_result *r) {
    buf_free(&r->out);
}

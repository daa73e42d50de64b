/*
 * The force-off steps, as haven.guard.ForceOffRunner carries them out: each as blunt as a power cut for its resource
 * (SIGKILL, address deleted), each reporting what it did in the same words, none giving up on the others.
 * Kill-and-wait as haven.process.ProcessGroup, RecordedGroup and MarkedProcesses do it: SIGKILL, then look every
 * 5 ms for up to 2 s until nothing is left.
 */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define KILL_WAIT_MS 2000
#define POLL_MS 5
#define EXEC_WAIT_MS 100
#define COMMAND_LIMIT_MS 2000
/* A record counts only while its group's leader started no later than the file was written, give or take this
 * (the boot time is in whole seconds): RecordedGroup.SLACK_MS. */
#define RECORD_SLACK_MS 2000

/* ---- decoding (haven.core.ForceOff.decode), with its messages ---- */

static bool digits(const char **p, int min, int max) {
    int n = 0;
    while (**p >= '0' && **p <= '9') {
        (*p)++;
        n++;
    }
    return n >= min && n <= max;
}

/* \d{1,3}(\.\d{1,3}){3}/\d{1,2} */
static bool cidr_form(const char *s) {
    for (int i = 0; i < 4; i++) {
        if (!digits(&s, 1, 3)) return false;
        if (*s++ != (i < 3 ? '.' : '/')) return false;
    }
    return digits(&s, 1, 2) && *s == '\0';
}

static bool name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* [A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)* */
static bool marker_form(const char *s) {
    bool in_word = false;
    for (; *s; s++) {
        if (name_char(*s)) in_word = true;
        else if (*s == '/' && in_word) in_word = false;
        else return false;
    }
    return in_word;
}

/* /[A-Za-z0-9_./-]+ */
static bool path_form(const char *s) {
    if (s[0] != '/' || s[1] == '\0') return false;
    for (s++; *s; s++) {
        if (!name_char(*s) && *s != '/') return false;
    }
    return true;
}

/* Long.parseLong: an optional sign, then decimal digits only, within range. */
bool parse_long(const char *s, long long *out) {
    if (!*s) return false;
    const char *d = (*s == '+' || *s == '-') ? s + 1 : s;
    if (!*d) return false;
    for (const char *c = d; *c; c++) {
        if (*c < '0' || *c > '9') return false;
    }
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

int step_decode(const char *word, struct step *out, struct buf *err) {
    memset(out, 0, sizeof *out);
    const char *colon = strchr(word, ':');
    size_t kind_len = colon ? (size_t)(colon - word) : strlen(word);
    const char *value = colon ? colon + 1 : "";
    if (kind_len == 7 && strncmp(word, "address", 7) == 0) {
        if (!cidr_form(value)) return buf_printf(err, "not an IPv4 address with prefix: '%s'", value), -1;
        out->kind = STEP_ADDRESS;
    } else if (kind_len == 6 && strncmp(word, "marked", 6) == 0) {
        if (!marker_form(value)) return buf_printf(err, "not a resource marker (NAME/NAME/...): '%s'", value), -1;
        out->kind = STEP_MARKED;
    } else if (kind_len == 8 && strncmp(word, "recorded", 8) == 0) {
        if (!path_form(value)) return buf_printf(err, "not an absolute path without spaces: '%s'", value), -1;
        out->kind = STEP_RECORDED;
    } else if (kind_len == 7 && strncmp(word, "unmount", 7) == 0) {
        if (!path_form(value) || strcmp(value, "/") == 0) {
            return buf_printf(err, "not a mount point haven can detach (an absolute path without spaces, not /): '%s'", value), -1;
        }
        out->kind = STEP_UNMOUNT;
    } else if (kind_len == 5 && strncmp(word, "group", 5) == 0) {
        if (!parse_long(value, &out->pgid)) return buf_printf(err, "'%s': a process group id must be a number", word), -1;
        if (out->pgid <= 1) return buf_printf(err, "not a process group a resource can own: %lld", out->pgid), -1;
        out->kind = STEP_GROUP;
    } else {
        buf_printf(err, "'%s': unknown step (expected address:A/LEN, group:PGID, recorded:FILE, marked:MARKER or unmount:DIR)", word);
        return -1;
    }
    out->value = strdup(value);
    if (!out->value) abort();
    return 0;
}

void step_free(struct step *s) {
    free(s->value);
    s->value = NULL;
}

/* ---- process groups ---- */

static bool group_empty(long long pgid) {
    struct pids m = {0};
    bool empty = members_of(pgid, &m) == 0 && m.n == 0;
    pids_free(&m);
    return empty;
}

/* ProcessGroup.signalGroup: the group as a whole first (atomic, so a member forking at that moment cannot slip
 * through), then each member still found. */
static void signal_group(long long pgid, int sig) {
    if (pgid <= 1) return;
    struct pids m = {0};
    members_of(pgid, &m);
    if (m.n > 0) {
        kill((pid_t)-pgid, sig);
        pids_free(&m);
        members_of(pgid, &m);
        for (size_t i = 0; i < m.n; i++) kill((pid_t)m.v[i], sig);
    }
    pids_free(&m);
}

static bool await_group_empty(long long pgid, long long limit_ms) {
    long long until = mono_ms() + limit_ms;
    while (!group_empty(pgid)) {
        if (mono_ms() >= until) return false;
        sleep_ms(POLL_MS);
    }
    return true;
}

static bool kill_group(long long pgid, struct buf *text) {
    /* The daemon's own stop may have ended it already: then there is nothing to report as forced off. */
    if (group_empty(pgid)) return buf_printf(text, "no process left in group %lld", pgid), true;
    signal_group(pgid, SIGKILL);
    if (await_group_empty(pgid, KILL_WAIT_MS)) return buf_printf(text, "process group %lld killed", pgid), true;
    buf_printf(text, "process group %lld STILL HAS MEMBERS after SIGKILL", pgid);
    return false;
}

/* ---- recorded groups (haven.process.RecordedGroup) ---- */

static long long boot_time_ms(void) {
    FILE *f = fopen("/proc/stat", "re");
    if (!f) return 0;
    char line[512];
    long long btime = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "btime ", 6) == 0) {
            btime = strtoll(line + 6, NULL, 10) * 1000;
            break;
        }
    }
    fclose(f);
    return btime; /* 0 when unknown: the leader counts as started at boot, which never makes a record stale */
}

/* The recorded group while it has living members and the record is not stale; 0 if none. */
static long long recorded_pgid(const char *file) {
    FILE *f = fopen(file, "re");
    if (!f) return 0;
    char text[64] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    struct stat st;
    int stat_rc = fstat(fileno(f), &st);
    fclose(f);
    if (stat_rc < 0) return 0;
    text[n] = '\0';
    char *a = text;
    while (*a && (unsigned char)*a <= ' ') a++;
    char *z = a + strlen(a);
    while (z > a && (unsigned char)z[-1] <= ' ') *--z = '\0';
    long long pgid;
    if (!parse_long(a, &pgid) || pgid <= 1 || group_empty(pgid)) return 0;
    long long written_ms = (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    struct pstat leader;
    bool leader_alive = proc_stat(pgid, &leader) == 0 && !proc_zombie(&leader) && leader.pgrp == pgid;
    if (leader_alive) {
        long ticks = sysconf(_SC_CLK_TCK);
        long long started_ms = boot_time_ms() + leader.start_ticks * 1000 / (ticks > 0 ? ticks : 100);
        if (started_ms > written_ms + RECORD_SLACK_MS) return 0;
    }
    return pgid;
}

static bool kill_recorded(const char *file, struct buf *text) {
    long long pgid = recorded_pgid(file);
    if (pgid == 0) return buf_printf(text, "no living process group recorded in %s", file), true;
    bool gone = true;
    long long again = recorded_pgid(file);
    if (again != 0) {
        signal_group(again, SIGKILL);
        gone = await_group_empty(again, KILL_WAIT_MS);
    }
    if (gone) unlink(file); /* the group it names has ended; a record left behind would be harmless */
    if (gone) buf_printf(text, "process group %lld (recorded in %s) killed", pgid, file);
    else buf_printf(text, "process group %lld (recorded in %s) STILL HAS MEMBERS after SIGKILL", pgid, file);
    return gone;
}

/* ---- marked processes (haven.process.MarkedProcesses) ---- */

/* SIGKILL to every marked process, and to the whole group of each marked group leader (a member forking meanwhile
 * is reached). */
static void kill_marked_once(const char *marker, struct pids *killed) {
    struct pids found = {0};
    marked_find(marker, &found, NULL);
    for (size_t i = 0; i < found.n; i++) {
        bool known = false;
        for (size_t k = 0; k < killed->n && !known; k++) known = killed->v[k] == found.v[i];
        if (!known) pids_add(killed, found.v[i]);
    }
    for (size_t i = 0; i < found.n; i++) {
        struct pstat st;
        if (proc_stat(found.v[i], &st) == 0 && st.pgrp == found.v[i] && found.v[i] > 1) signal_group(found.v[i], SIGKILL);
    }
    for (size_t i = 0; i < found.n; i++) kill((pid_t)found.v[i], SIGKILL);
    pids_free(&found);
}

static bool kill_marked(const char *marker, struct buf *text) {
    struct pids found = {0};
    size_t unsure = 0;
    if (marked_find(marker, &found, &unsure) < 0) {
        buf_printf(text, "processes marked %s NOT looked for: cannot list /proc to find processes marked HAVEN_RESOURCE=%s: %s",
                marker, marker, strerror(errno));
        pids_free(&found);
        return false;
    }
    long long now = mono_ms(), until = now + KILL_WAIT_MS, unsure_until = now + EXEC_WAIT_MS;
    if (found.n == 0 && unsure == 0) {
        pids_free(&found);
        return buf_printf(text, "no process marked %s", marker), true;
    }
    pids_free(&found);
    struct pids killed = {0};
    bool gone;
    for (;;) {
        kill_marked_once(marker, &killed);
        struct pids left = {0};
        marked_find(marker, &left, &unsure);
        gone = left.n == 0;
        pids_free(&left);
        /* A process caught in an exec was not seen marked: look again until its environment reads (an exec takes
         * well under EXEC_WAIT_MS; one that still reads empty then has no environment at all, so no marker). */
        if (gone && (unsure == 0 || mono_ms() >= unsure_until)) break;
        if (mono_ms() >= until) break;
        sleep_ms(POLL_MS);
    }
    if (gone && killed.n == 0) {
        pids_free(&killed);
        return buf_printf(text, "no process marked %s", marker), true;
    }
    if (gone) {
        buf_printf(text, "processes marked %s killed ", marker);
        pids_text(&killed, text);
    } else {
        struct pids left = {0};
        marked_find(marker, &left, NULL);
        buf_printf(text, "processes marked %s STILL RUN after SIGKILL: ", marker);
        pids_text(&left, text);
        pids_free(&left);
    }
    pids_free(&killed);
    return gone;
}

/* ---- addresses: `ip`, as the Java guard runs it ---- */

/* a.b.c.d/len in its canonical form (no leading zeros), as Ipv4Prefix.toString writes it; false if not one. */
static bool canonical_prefix(const char *text, char *out, size_t size) {
    unsigned octet[4];
    int len = 32;
    const char *s = text;
    for (int i = 0; i < 4; i++) {
        const char *start = s;
        unsigned v = 0;
        while (*s >= '0' && *s <= '9' && s - start < 4) v = v * 10 + (unsigned)(*s++ - '0');
        if (s == start || s - start > 3 || v > 255) return false;
        octet[i] = v;
        if (i < 3 && *s++ != '.') return false;
    }
    if (*s == '/') {
        long long l;
        if (!parse_long(s + 1, &l) || l < 0 || l > 32) return false;
        len = (int)l;
    } else if (*s) {
        return false;
    }
    snprintf(out, size, "%u.%u.%u.%u/%d", octet[0], octet[1], octet[2], octet[3], len);
    return true;
}

/* IpAddrAgent.interfacesHolding over `ip -o -4 addr show`: lines like
 * "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\ ..."; devices separated by '\n' in out. */
static void interfaces_holding(const char *ip_output, const char *cidr, struct buf *out) {
    char *copy = strdup(ip_output);
    if (!copy) abort();
    char *save_line = NULL;
    for (char *line = strtok_r(copy, "\n", &save_line); line; line = strtok_r(NULL, "\n", &save_line)) {
        char *f[64];
        int n = 0;
        char *save = NULL;
        for (char *w = strtok_r(line, " \t\r\v\f", &save); w && n < 64; w = strtok_r(NULL, " \t\r\v\f", &save)) f[n++] = w;
        for (int i = 2; i + 1 < n; i++) {
            if (strcmp(f[i], "inet") != 0) continue;
            char *dev = f[1];
            size_t dl = strlen(dev);
            if (dl && dev[dl - 1] == ':') dev[dl - 1] = '\0';
            char *at = strchr(dev, '@');
            if (at) *at = '\0';
            char canon[64];
            if (canonical_prefix(f[i + 1], canon, sizeof canon) && strcmp(canon, cidr) == 0) {
                buf_add(out, dev, strlen(dev));
                buf_add(out, "\n", 1);
            }
            break;
        }
    }
    free(copy);
}

static char *const SHOW[] = {"ip", "-o", "-4", "addr", "show", NULL};

/* The devices holding cidr; false (why in err) when `ip` could not tell. */
static bool holders(const char *cidr, struct buf *devices, struct buf *err) {
    struct run_result r;
    run_command(SHOW, COMMAND_LIMIT_MS, &r);
    bool ok = run_ok(&r);
    if (ok) interfaces_holding(r.out.data, cidr, devices);
    else if (err) run_describe(SHOW, &r, err);
    run_free(&r);
    return ok;
}

static bool remove_address(const char *cidr, struct buf *text) {
    struct buf devices = {0}, err = {0};
    if (!holders(cidr, &devices, &err)) {
        buf_printf(text, "address %s NOT removed: %s", cidr, err.data);
        buf_free(&err);
        buf_free(&devices);
        return false;
    }
    if (devices.len == 0) {
        buf_free(&devices);
        return buf_printf(text, "no address %s here", cidr), true;
    }
    struct buf done = {0};
    bool all = true, removed_any = false;
    char *save = NULL;
    for (char *dev = strtok_r(devices.data, "\n", &save); dev; dev = strtok_r(NULL, "\n", &save)) {
        if (done.len) buf_add(&done, ", ", 2);
        char *del[] = {"ip", "addr", "del", (char *)cidr, "dev", dev, NULL};
        struct run_result r;
        run_command(del, COMMAND_LIMIT_MS, &r);
        if (run_ok(&r)) {
            removed_any = true;
            buf_printf(&done, "removed from %s", dev);
        } else {
            /* The daemon's own stop may have removed it between the look and the delete: that is what was wanted. */
            struct buf now = {0};
            bool gone = false;
            if (holders(cidr, &now, NULL)) {
                gone = true;
                char *s2 = NULL;
                for (char *d = strtok_r(now.data ? now.data : (char[]){""}, "\n", &s2); d; d = strtok_r(NULL, "\n", &s2)) {
                    if (strcmp(d, dev) == 0) gone = false;
                }
            }
            buf_free(&now);
            if (gone) {
                buf_printf(&done, "already gone from %s", dev);
            } else {
                all = false;
                buf_printf(&done, "NOT removed from %s: ", dev);
                run_describe(del, &r, &done);
            }
        }
        run_free(&r);
    }
    buf_printf(text, "%saddress %s %s", removed_any || !all ? "" : "no ", cidr, done.data);
    buf_free(&done);
    buf_free(&devices);
    return all;
}

/* ---- mounts: MountTable and `umount -l`, done with the syscall itself ---- */

/* Whether `dir` is a mount point in this process's mount namespace (mountinfo's fifth field; paths here have no
 * spaces, so no escapes to undo). */
static bool mounted_here(const char *dir) {
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f) return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        char *save = NULL;
        char *field = strtok_r(line, " ", &save);
        for (int i = 1; field && i < 5; i++) field = strtok_r(NULL, " ", &save);
        found = field && strcmp(field, dir) == 0;
    }
    fclose(f);
    return found;
}

static bool unmount_dir(const char *dir, struct buf *text) {
    if (!mounted_here(dir)) return buf_printf(text, "no mount on %s here", dir), true;
    if (umount2(dir, MNT_DETACH) == 0 || !mounted_here(dir)) return buf_printf(text, "mount on %s detached", dir), true;
    buf_printf(text, "mount on %s NOT detached: %s", dir, strerror(errno));
    return false;
}

bool step_run(const struct step *s, struct buf *text) {
    switch (s->kind) {
    case STEP_UNMOUNT: return unmount_dir(s->value, text);
    case STEP_GROUP: return kill_group(s->pgid, text);
    case STEP_ADDRESS: return remove_address(s->value, text);
    case STEP_MARKED: return kill_marked(s->value, text);
    case STEP_RECORDED: return kill_recorded(s->value, text);
    }
    return false;
}

/* Runs the address query once at start, so that the first real force-off finds `ip` in the page cache. */
void forceoff_warm_up(void) {
    struct buf devices = {0};
    holders("0.0.0.0/32", &devices, NULL);
    buf_free(&devices);
}

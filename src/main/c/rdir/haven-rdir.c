/*
 * haven-rdir: the primary's side of a replicated directory (haven.replication), a FUSE layer mounted over the
 * directory itself.
 *
 * The directory is opened before the mount, so every operation here reaches the real files through that handle
 * (the *at() calls) while applications see only the mount. Each change (write, truncate, create, rename, ...) is
 * applied to the real files and, under one lock so that the order is the order applied, sent as a numbered record
 * to the daemon's stream socket, which forwards it to the replicas. fsync() applies locally, sends a sync record,
 * and in sync mode returns only when the daemon answers that every in-sync replica has everything up to it.
 *
 * Fail-stop: when the daemon's socket breaks or a sync wait runs past its limit, every later change and sync is
 * refused with EIO, so no application is ever told that data is safe when it may not be on the replicas.
 *
 * Record (little-endian): u32 length of the rest, u8 op, u64 seq, u64 a, u64 b, u32 path length, u32 second path
 * length, u32 data length, then path, second path, data. Paths are relative to the directory ("." for itself).
 * Answer from the daemon: u64, the highest seq every in-sync replica has; or, with the top bit set, the highest seq
 * whose syncs the daemon refuses (fewer replicas in sync than min_in_sync): those fsyncs fail with EIO, and the
 * stream goes on (the next sync succeeds once enough replicas are back).
 *
 * Usage: haven-rdir DIRECTORY SOCKET sync|async SYNC_WAIT_MS (started by the daemon; stays in the foreground).
 *        haven-rdir --version
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 35
#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum op {
    OP_WRITE = 1, OP_TRUNCATE, OP_CREATE, OP_MKDIR, OP_UNLINK, OP_RMDIR, OP_RENAME, OP_SYMLINK, OP_LINK,
    OP_CHMOD, OP_CHOWN, OP_UTIMENS, OP_FSYNC
};
#define HEADER_BYTES (1 + 8 + 8 + 8 + 4 + 4 + 4)

static int root_fd = -1;
static int stream_fd = -1;
static int sync_mode;
static long sync_wait_ms;

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t next_seq = 1;

static pthread_mutex_t ack_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ack_changed = PTHREAD_COND_INITIALIZER;
static uint64_t acked;
#define REFUSED_BIT (UINT64_C(1) << 63)
static uint64_t refused;
static int broken;

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void break_stream(const char *why) {
    pthread_mutex_lock(&ack_lock);
    if (!broken) fprintf(stderr, "haven-rdir: refusing changes from now on: %s\n", why);
    broken = 1;
    pthread_cond_broadcast(&ack_changed);
    pthread_mutex_unlock(&ack_lock);
}

static int is_broken(void) {
    pthread_mutex_lock(&ack_lock);
    int b = broken;
    pthread_mutex_unlock(&ack_lock);
    return b;
}

/* One writev for the whole record: a record costs one system call and wakes the daemon's reader once. */
static int write_all(struct iovec *iov, int count) {
    while (count > 0) {
        ssize_t w = writev(stream_fd, iov, count);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        while (count > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            count--;
        }
        if (count > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* Sends one record; the caller holds order_lock. Returns its seq, or 0 when the stream is broken. */
static uint64_t send_record(int op, uint64_t a, uint64_t b, const char *path, const char *path2, const void *data,
                            size_t data_len) {
    if (is_broken()) return 0;
    size_t path_len = strlen(path), path2_len = path2 ? strlen(path2) : 0;
    unsigned char head[4 + HEADER_BYTES];
    uint64_t seq = next_seq;
    put_u32(head, (uint32_t)(HEADER_BYTES + path_len + path2_len + data_len));
    head[4] = (unsigned char)op;
    put_u64(head + 5, seq);
    put_u64(head + 13, a);
    put_u64(head + 21, b);
    put_u32(head + 29, (uint32_t)path_len);
    put_u32(head + 33, (uint32_t)path2_len);
    put_u32(head + 37, (uint32_t)data_len);
    struct iovec iov[] = {{head, sizeof head}, {(void *)path, path_len}, {(void *)(path2 ? path2 : ""), path2_len},
                          {(void *)data, data_len}};
    if (write_all(iov, 4)) {
        break_stream("the daemon's stream socket is closed");
        return 0;
    }
    next_seq++;
    return seq;
}

static void *read_acks(void *unused) {
    (void)unused;
    unsigned char buf[8];
    for (;;) {
        size_t got = 0;
        while (got < sizeof buf) {
            ssize_t r = read(stream_fd, buf + got, sizeof buf - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                break_stream("the daemon closed the stream");
                return NULL;
            }
            got += (size_t)r;
        }
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | buf[i];
        pthread_mutex_lock(&ack_lock);
        if (v & REFUSED_BIT) {
            v &= ~REFUSED_BIT;
            if (v > refused) refused = v;
        } else if (v > acked) {
            acked = v;
        }
        pthread_cond_broadcast(&ack_changed);
        pthread_mutex_unlock(&ack_lock);
    }
}

/*
 * Waits until the replicas have everything up to seq, or the daemon refuses the sync (-EIO, the stream goes on); on
 * timeout the stream is broken for good (fail-stop).
 */
static int await_ack(uint64_t seq) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += sync_wait_ms / 1000;
    until.tv_nsec += (sync_wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    int rc = 0, was_refused = 0;
    pthread_mutex_lock(&ack_lock);
    while (!broken && acked < seq && refused < seq) {
        if (pthread_cond_timedwait(&ack_changed, &ack_lock, &until) == ETIMEDOUT) break;
    }
    if (broken || acked < seq) rc = -EIO;
    was_refused = !broken && acked < seq && refused >= seq;
    pthread_mutex_unlock(&ack_lock);
    if (rc && !was_refused && !is_broken()) break_stream("the replicas did not confirm a sync within its limit");
    return rc;
}

/* "/a/b" -> "a/b"; "/" -> "." */
static const char *rel(const char *path) {
    while (*path == '/') path++;
    return *path ? path : ".";
}

/* Runs a local change and its record under the order lock: the record is sent only when the change succeeded. */
#define CHANGE(local_call, record_call)                    \
    do {                                                   \
        if (is_broken()) return -EIO;                      \
        pthread_mutex_lock(&order_lock);                   \
        int rc_ = (local_call) < 0 ? -errno : 0;           \
        if (rc_ == 0 && (record_call) == 0) rc_ = -EIO;    \
        pthread_mutex_unlock(&order_lock);                 \
        return rc_;                                        \
    } while (0)

static void owner_of_caller(const char *p) {
    struct fuse_context *ctx = fuse_get_context();
    if (fchownat(root_fd, p, ctx->uid, ctx->gid, AT_SYMLINK_NOFOLLOW) == 0 && (ctx->uid || ctx->gid))
        send_record(OP_CHOWN, ctx->uid, ctx->gid, p, NULL, NULL, 0);
}

static void *rdir_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void)conn;
    cfg->use_ino = 0;
    cfg->attr_timeout = 1;
    cfg->entry_timeout = 1;
    cfg->negative_timeout = 0;
    return NULL;
}

static int rdir_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    int rc = fi ? fstat((int)fi->fh, st) : fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW);
    return rc < 0 ? -errno : 0;
}

static int rdir_access(const char *path, int mask) {
    return faccessat(root_fd, rel(path), mask, 0) < 0 ? -errno : 0;
}

static int rdir_readlink(const char *path, char *buf, size_t size) {
    ssize_t n = readlinkat(root_fd, rel(path), buf, size - 1);
    if (n < 0) return -errno;
    buf[n] = 0;
    return 0;
}

static int rdir_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                        enum fuse_readdir_flags flags) {
    (void)offset;
    (void)fi;
    (void)flags;
    int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return -e;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st = {0};
        st.st_ino = e->d_ino;
        st.st_mode = (mode_t)(e->d_type << 12);
        if (fill(buf, e->d_name, &st, 0, 0)) break;
    }
    closedir(d);
    return 0;
}

static int rdir_mkdir(const char *path, mode_t mode) {
    const char *p = rel(path);
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    int rc = mkdirat(root_fd, p, mode) < 0 ? -errno : 0;
    if (rc == 0 && send_record(OP_MKDIR, mode, 0, p, NULL, NULL, 0) == 0) rc = -EIO;
    if (rc == 0) owner_of_caller(p);
    pthread_mutex_unlock(&order_lock);
    return rc;
}

static int rdir_unlink(const char *path) {
    const char *p = rel(path);
    CHANGE(unlinkat(root_fd, p, 0), send_record(OP_UNLINK, 0, 0, p, NULL, NULL, 0));
}

static int rdir_rmdir(const char *path) {
    const char *p = rel(path);
    CHANGE(unlinkat(root_fd, p, AT_REMOVEDIR), send_record(OP_RMDIR, 0, 0, p, NULL, NULL, 0));
}

static int rdir_symlink(const char *target, const char *path) {
    const char *p = rel(path);
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    int rc = symlinkat(target, root_fd, p) < 0 ? -errno : 0;
    if (rc == 0 && send_record(OP_SYMLINK, 0, 0, p, target, NULL, 0) == 0) rc = -EIO;
    if (rc == 0) owner_of_caller(p);
    pthread_mutex_unlock(&order_lock);
    return rc;
}

static int rdir_rename(const char *from, const char *to, unsigned int flags) {
    const char *f = rel(from), *t = rel(to);
    CHANGE(renameat2(root_fd, f, root_fd, t, flags), send_record(OP_RENAME, flags, 0, f, t, NULL, 0));
}

static int rdir_link(const char *from, const char *to) {
    const char *f = rel(from), *t = rel(to);
    CHANGE(linkat(root_fd, f, root_fd, t, 0), send_record(OP_LINK, 0, 0, t, f, NULL, 0));
}

static int rdir_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    const char *p = rel(path);
    CHANGE(fi ? fchmod((int)fi->fh, mode) : fchmodat(root_fd, p, mode, 0),
           send_record(OP_CHMOD, mode, 0, p, NULL, NULL, 0));
}

static int rdir_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    const char *p = rel(path);
    CHANGE(fi ? fchown((int)fi->fh, uid, gid) : fchownat(root_fd, p, uid, gid, AT_SYMLINK_NOFOLLOW),
           send_record(OP_CHOWN, (uint64_t)(int64_t)(int)uid, (uint64_t)(int64_t)(int)gid, p, NULL, NULL, 0));
}

static int rdir_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    const char *p = rel(path);
    if (fi) CHANGE(ftruncate((int)fi->fh, size), send_record(OP_TRUNCATE, (uint64_t)size, 0, p, NULL, NULL, 0));
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    int fd = openat(root_fd, p, O_WRONLY | O_NOFOLLOW);
    int rc = fd < 0 ? -errno : (ftruncate(fd, size) < 0 ? -errno : 0);
    if (fd >= 0) close(fd);
    if (rc == 0 && send_record(OP_TRUNCATE, (uint64_t)size, 0, p, NULL, NULL, 0) == 0) rc = -EIO;
    pthread_mutex_unlock(&order_lock);
    return rc;
}

static uint64_t nanos(struct timespec t) {
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* The times as set (UTIME_NOW and UTIME_OMIT resolved), read back so that the replicas set the same ones. */
static int rdir_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    const char *p = rel(path);
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    int rc = (fi ? futimens((int)fi->fh, tv) : utimensat(root_fd, p, tv, AT_SYMLINK_NOFOLLOW)) < 0 ? -errno : 0;
    struct stat st;
    if (rc == 0) rc = (fi ? fstat((int)fi->fh, &st) : fstatat(root_fd, p, &st, AT_SYMLINK_NOFOLLOW)) < 0 ? -errno : 0;
    if (rc == 0 && send_record(OP_UTIMENS, nanos(st.st_atim), nanos(st.st_mtim), p, NULL, NULL, 0) == 0) rc = -EIO;
    pthread_mutex_unlock(&order_lock);
    return rc;
}

static int rdir_open(const char *path, struct fuse_file_info *fi) {
    const char *p = rel(path);
    int writes = (fi->flags & O_ACCMODE) != O_RDONLY;
    if (writes && is_broken()) return -EIO;
    if (!(fi->flags & O_TRUNC) || !writes) {
        int fd = openat(root_fd, p, fi->flags & ~(O_NOFOLLOW | O_APPEND));
        if (fd < 0) return -errno;
        fi->fh = (uint64_t)fd;
        return 0;
    }
    pthread_mutex_lock(&order_lock);
    int fd = openat(root_fd, p, fi->flags & ~(O_NOFOLLOW | O_APPEND));
    int rc = fd < 0 ? -errno : 0;
    if (rc == 0 && send_record(OP_TRUNCATE, 0, 0, p, NULL, NULL, 0) == 0) rc = -EIO;
    pthread_mutex_unlock(&order_lock);
    if (rc && fd >= 0) close(fd);
    if (rc == 0) fi->fh = (uint64_t)fd;
    return rc;
}

static int rdir_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    const char *p = rel(path);
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    int fd = openat(root_fd, p, (fi->flags | O_CREAT) & ~(O_NOFOLLOW | O_APPEND), mode);
    int rc = fd < 0 ? -errno : 0;
    if (rc == 0 && send_record(OP_CREATE, mode, 0, p, NULL, NULL, 0) == 0) rc = -EIO;
    if (rc == 0 && (fi->flags & O_TRUNC) && send_record(OP_TRUNCATE, 0, 0, p, NULL, NULL, 0) == 0) rc = -EIO;
    if (rc == 0) owner_of_caller(p);
    pthread_mutex_unlock(&order_lock);
    if (rc && fd >= 0) close(fd);
    if (rc == 0) fi->fh = (uint64_t)fd;
    return rc;
}

static int rdir_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void)path;
    ssize_t n = pread((int)fi->fh, buf, size, offset);
    return n < 0 ? -errno : (int)n;
}

static int rdir_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    const char *p = rel(path);
    if (is_broken()) return -EIO;
    pthread_mutex_lock(&order_lock);
    /* Opened without O_APPEND: for appends the kernel hands the end as the offset, which the replicas need too. */
    ssize_t n = pwrite((int)fi->fh, buf, size, offset);
    int rc = n < 0 ? -errno : (int)n;
    if (n > 0 && send_record(OP_WRITE, (uint64_t)offset, 0, p, NULL, buf, (size_t)n) == 0) rc = -EIO;
    pthread_mutex_unlock(&order_lock);
    return rc;
}

static int rdir_statfs(const char *path, struct statvfs *st) {
    (void)path;
    return fstatvfs(root_fd, st) < 0 ? -errno : 0;
}

static int rdir_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    close((int)fi->fh);
    return 0;
}

/* A sync record for p, in order; 0 when the stream is broken. */
static uint64_t send_sync(const char *p) {
    if (is_broken()) return 0;
    pthread_mutex_lock(&order_lock);
    uint64_t seq = send_record(OP_FSYNC, 0, 0, p, NULL, NULL, 0);
    pthread_mutex_unlock(&order_lock);
    return seq;
}

/* The sync record goes out first, so that the replicas confirm while the local disk writes. */
static int rdir_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    uint64_t seq = send_sync(rel(path));
    if (seq == 0) return -EIO;
    if ((datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh)) < 0) return -errno;
    return sync_mode ? await_ack(seq) : 0;
}

static int rdir_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)datasync;
    (void)fi;
    const char *p = rel(path);
    uint64_t seq = send_sync(p);
    if (seq == 0) return -EIO;
    int fd = openat(root_fd, p, O_RDONLY | O_DIRECTORY);
    int rc = fd < 0 || fsync(fd) < 0 ? -errno : 0;
    if (fd >= 0) close(fd);
    if (rc) return rc;
    return sync_mode ? await_ack(seq) : 0;
}

static const struct fuse_operations operations = {
    .init = rdir_init,
    .getattr = rdir_getattr,
    .access = rdir_access,
    .readlink = rdir_readlink,
    .readdir = rdir_readdir,
    .mkdir = rdir_mkdir,
    .unlink = rdir_unlink,
    .rmdir = rdir_rmdir,
    .symlink = rdir_symlink,
    .rename = rdir_rename,
    .link = rdir_link,
    .chmod = rdir_chmod,
    .chown = rdir_chown,
    .truncate = rdir_truncate,
    .utimens = rdir_utimens,
    .open = rdir_open,
    .create = rdir_create,
    .read = rdir_read,
    .write = rdir_write,
    .statfs = rdir_statfs,
    .release = rdir_release,
    .fsync = rdir_fsync,
    .fsyncdir = rdir_fsyncdir,
};

static int connect_stream(const char *socket_path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        fprintf(stderr, "haven-rdir: socket path %s is too long\n", socket_path);
        return -1;
    }
    strcpy(addr.sun_path, socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "haven-rdir: cannot connect to %s: %s\n", socket_path, strerror(errno));
        return -1;
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("haven-rdir 1\n");
        return 0;
    }
    if (argc != 5 || (strcmp(argv[3], "sync") && strcmp(argv[3], "async"))) {
        fprintf(stderr, "usage: haven-rdir DIRECTORY SOCKET sync|async SYNC_WAIT_MS\n");
        return 2;
    }
    sync_mode = strcmp(argv[3], "sync") == 0;
    sync_wait_ms = strtol(argv[4], NULL, 10);
    if (sync_wait_ms <= 0) sync_wait_ms = 1000;
    root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) {
        fprintf(stderr, "haven-rdir: cannot open %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    stream_fd = connect_stream(argv[2]);
    if (stream_fd < 0) return 1;
    pthread_t acks;
    if (pthread_create(&acks, NULL, read_acks, NULL)) {
        fprintf(stderr, "haven-rdir: cannot start the answer reader\n");
        return 1;
    }
    pthread_detach(acks);
    char *fuse_argv[] = {argv[0], "-f", "-o", "allow_other,default_permissions,max_threads=16,fsname=haven-rdir,subtype=haven",
                         argv[1], NULL};
    umask(0);
    return fuse_main(5, fuse_argv, &operations, NULL);
}

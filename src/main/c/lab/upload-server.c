/*
 * haven-lab-upload: the lab's stand-in for an application that stores uploads in a replicated directory.
 *
 *   PUT /NAME   stores the body as NAME: written to a temporary name, fsync'd, renamed, the directory fsync'd, and
 *               only then answered 201, so an acknowledged upload is durable wherever the directory's fsync reaches;
 *   GET /NAME   answers the file (200) or 404; GET / answers 200 (a health check).
 *
 * One connection at a time, keep-alive, bodies up to 1 MiB. Usage: haven-lab-upload DIRECTORY ADDRESS PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BODY (1 << 20)
#define MAX_HEAD 8192

static int dir_fd;

static int send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int answer(int fd, int code, const char *reason, const char *body, size_t len) {
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n\r\n", code, reason, len);
    if (send_all(fd, head, (size_t)n)) return -1;
    return len ? send_all(fd, body, len) : 0;
}

static int valid_name(const char *name) {
    if (!*name || strlen(name) > 200 || name[0] == '.') return 0;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p <= ' ') return 0;
    return 1;
}

static int store(const char *name, const char *body, size_t len) {
    char temp[272];
    snprintf(temp, sizeof temp, ".%s.part", name);
    int fd = openat(dir_fd, temp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int bad = send_all(fd, body, len) || fsync(fd);
    bad |= close(fd);
    if (bad || renameat(dir_fd, temp, dir_fd, name) || fsync(dir_fd)) return -1;
    return 0;
}

static void serve(int fd) {
    static char buf[MAX_HEAD + MAX_BODY];
    size_t have = 0;
    for (;;) {
        char *end;
        while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
            if (have >= MAX_HEAD) return;
            ssize_t r = read(fd, buf + have, MAX_HEAD - have);
            if (r <= 0) return;
            have += (size_t)r;
        }
        size_t head_len = (size_t)(end - buf) + 4;
        char method[8] = {0}, path[256] = {0};
        if (sscanf(buf, "%7s %255s", method, path) != 2 || path[0] != '/') return;
        size_t body_len = 0;
        for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
            if (strncasecmp(line + 2, "Content-Length:", 15) == 0) body_len = strtoul(line + 17, NULL, 10);
        }
        if (body_len > MAX_BODY) return;
        while (have < head_len + body_len) {
            ssize_t r = read(fd, buf + have, head_len + body_len - have);
            if (r <= 0) return;
            have += (size_t)r;
        }
        const char *name = path + 1;
        const char *body = buf + head_len;
        int rc;
        if (strcmp(method, "PUT") == 0) {
            if (!valid_name(name)) rc = answer(fd, 400, "Bad Request", NULL, 0);
            else if (store(name, body, body_len)) rc = answer(fd, 500, "Internal Server Error", strerror(errno), strlen(strerror(errno)));
            else rc = answer(fd, 201, "Created", NULL, 0);
        } else if (strcmp(method, "GET") == 0 && !*name) {
            rc = answer(fd, 200, "OK", "ok\n", 3);
        } else if (strcmp(method, "GET") == 0 && valid_name(name)) {
            static char file[MAX_BODY];
            int f = openat(dir_fd, name, O_RDONLY);
            ssize_t n = f < 0 ? -1 : read(f, file, sizeof file);
            if (f >= 0) close(f);
            rc = n < 0 ? answer(fd, 404, "Not Found", NULL, 0) : answer(fd, 200, "OK", file, (size_t)n);
        } else {
            rc = answer(fd, 405, "Method Not Allowed", NULL, 0);
        }
        if (rc) return;
        memmove(buf, buf + head_len + body_len, have - head_len - body_len);
        have -= head_len + body_len;
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: haven-lab-upload DIRECTORY ADDRESS PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    dir_fd = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (dir_fd < 0) {
        perror(argv[1]);
        return 1;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1 || bind(s, (struct sockaddr *)&addr, sizeof addr) || listen(s, 16)) {
        perror("listen");
        return 1;
    }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        serve(c);
        close(c);
    }
}

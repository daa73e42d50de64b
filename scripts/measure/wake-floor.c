/* The C side of WakeFloor.java: "wake MS" sleeps to every interval doing nothing; "udp MS SELF PORT PEER1 PEER2"
   sends 200 bytes to both peers every interval on one thread and receives on another. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static int fd;

static void *receive_all(void *unused) {
    char buf[2048];
    (void) unused;
    for (;;) recv(fd, buf, sizeof buf, 0);
    return 0;
}

static void next_tick(struct timespec *t, long ms) {
    t->tv_nsec += ms * 1000000L;
    while (t->tv_nsec >= 1000000000L) { t->tv_nsec -= 1000000000L; t->tv_sec++; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, 0);
}

int main(int argc, char **argv) {
    long ms = atol(argv[1]);
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (strcmp(argv[2], "wake") == 0) for (;;) next_tick(&t, ms);
    if (argc < 7) return 2;
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in self = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(argv[4]))};
    inet_pton(AF_INET, argv[3], &self.sin_addr);
    if (bind(fd, (struct sockaddr *) &self, sizeof self) != 0) return 1;
    struct sockaddr_in peers[2] = {self, self};
    inet_pton(AF_INET, argv[5], &peers[0].sin_addr);
    inet_pton(AF_INET, argv[6], &peers[1].sin_addr);
    pthread_t rx;
    pthread_create(&rx, 0, receive_all, 0);
    pthread_setname_np(rx, "rx"); /* named as WakeFloor's threads are, for threads.py */
    pthread_setname_np(pthread_self(), "tx");
    char beat[200];
    memset(beat, 'x', sizeof beat);
    for (;;) {
        next_tick(&t, ms);
        for (int i = 0; i < 2; i++) sendto(fd, beat, sizeof beat, 0, (struct sockaddr *) &peers[i], sizeof peers[i]);
    }
}

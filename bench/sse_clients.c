/* `make bench` P2: holds COUNT Server-Sent Event streams on 127.0.0.1:PORT for SECONDS and
 * records when each stream first saw each event id. Written in C so the measuring side costs
 * little of the 2 cores it shares with nginx and the responder (a Python client spent more CPU
 * reading the bursts than the server spent sending them).
 *
 *   sse_clients PORT COUNT SECONDS COOKIE OUTPUT
 *
 * Prints "ready" once every request is sent; at the end writes OUTPUT with one line per stream
 * that stayed open: "id:unix_seconds id:unix_seconds ...". */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct seen { long id; double at; };
struct stream {
    int fd, open;
    char tail[32]; /* the end of the last read, for an "id:" line split between two reads */
    size_t tail_len;
    long last_id;
    struct seen *seen;
    size_t n_seen, cap_seen;
};

static double now_real(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void record(struct stream *s, long id, double at) {
    if (id <= s->last_id) return;
    s->last_id = id;
    if (s->n_seen == s->cap_seen) {
        s->cap_seen = s->cap_seen ? 2 * s->cap_seen : 128;
        s->seen = realloc(s->seen, s->cap_seen * sizeof *s->seen);
        if (!s->seen) { perror("realloc"); exit(1); }
    }
    s->seen[s->n_seen++] = (struct seen){ id, at };
}

/* Finds every "\nid: DIGITS\n" in tail + chunk. */
static void scan(struct stream *s, const char *chunk, size_t n, double at) {
    static char buf[65536 + 32];
    memcpy(buf, s->tail, s->tail_len);
    memcpy(buf + s->tail_len, chunk, n);
    size_t len = s->tail_len + n;
    for (size_t i = 0; i + 5 < len; i++) {
        if (buf[i] != '\n' || memcmp(buf + i + 1, "id: ", 4) != 0) continue;
        size_t j = i + 5;
        long id = 0;
        while (j < len && buf[j] >= '0' && buf[j] <= '9') id = id * 10 + (buf[j++] - '0');
        if (j < len && buf[j] == '\n' && j > i + 5) record(s, id, at);
    }
    s->tail_len = len < sizeof s->tail ? len : sizeof s->tail;
    memcpy(s->tail, buf + len - s->tail_len, s->tail_len);
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s PORT COUNT SECONDS COOKIE OUTPUT\n", argv[0]); return 2; }
    int port = atoi(argv[1]), count = atoi(argv[2]);
    double seconds = atof(argv[3]);
    const char *cookie = argv[4], *output = argv[5];

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    char request[4096];
    int rlen = snprintf(request, sizeof request,
                        "GET /events HTTP/1.0\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: %s\r\n\r\n", cookie);
    if (rlen <= 0 || rlen >= (int)sizeof request) { fprintf(stderr, "cookie too long\n"); return 2; }

    int ep = epoll_create1(0);
    struct stream *streams = calloc(count, sizeof *streams);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); return 1; }
        if (write(fd, request, rlen) != rlen) { perror("write"); return 1; }
        streams[i].fd = fd;
        streams[i].open = 1;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    printf("ready\n");
    fflush(stdout);

    static char chunk[65536];
    struct epoll_event events[512];
    double deadline = now_mono() + seconds;
    while (now_mono() < deadline) {
        int n = epoll_wait(ep, events, 512, 200);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        double at = now_real();
        for (int k = 0; k < n; k++) {
            struct stream *s = &streams[events[k].data.u32];
            ssize_t got = recv(s->fd, chunk, sizeof chunk, 0);
            if (got > 0) {
                scan(s, chunk, got, at);
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
                close(s->fd);
                s->open = 0;
            }
        }
    }

    FILE *out = fopen(output, "w");
    if (!out) { perror(output); return 1; }
    for (int i = 0; i < count; i++) {
        if (!streams[i].open) continue;
        for (size_t k = 0; k < streams[i].n_seen; k++)
            fprintf(out, "%s%ld:%.6f", k ? " " : "", streams[i].seen[k].id, streams[i].seen[k].at);
        fputc('\n', out);
        close(streams[i].fd);
    }
    fclose(out);
    return 0;
}

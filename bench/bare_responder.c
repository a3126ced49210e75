/* The baseline of `make bench`: a bare libfcgi responder that answers every request with the
 * bytes of a file (a page Reeldesk rendered, so both send exactly as much), from as many
 * threads as Reeldesk's workers would use. No routing, no database, no templates: the floor
 * a FastCGI responder behind the same nginx can reach on this machine.
 * Usage: bare_responder SOCKET_PATH BODY_FILE THREADS */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;
static char *body;
static long body_len;
static char head[256];
static int head_len;

static void *serve(void *unused) {
    (void)unused;
    FCGX_Request req;
    FCGX_InitRequest(&req, listen_fd, 0);
    while (FCGX_Accept_r(&req) == 0) {
        FCGX_PutStr(head, head_len, req.out);
        FCGX_PutStr(body, (int)body_len, req.out);
        FCGX_Finish_r(&req);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s SOCKET BODY_FILE THREADS\n", argv[0]); return 2; }
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    body_len = ftell(f);
    fseek(f, 0, SEEK_SET);
    body = malloc(body_len);
    if (fread(body, 1, body_len, f) != (size_t)body_len) { perror("read"); return 1; }
    fclose(f);
    head_len = snprintf(head, sizeof head, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %ld\r\n\r\n", body_len);
    FCGX_Init();
    unlink(argv[1]);
    umask(0077);
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0) { fprintf(stderr, "cannot listen on %s\n", argv[1]); return 1; }
    int n = atoi(argv[3]);
    if (n < 1) n = 1;
    pthread_t threads[256];
    for (int i = 0; i < n && i < 256; i++) pthread_create(&threads[i], NULL, serve, NULL);
    for (int i = 0; i < n && i < 256; i++) pthread_join(threads[i], NULL);
    return 0;
}

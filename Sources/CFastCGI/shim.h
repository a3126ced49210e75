#ifndef REELDESK_CFASTCGI_SHIM_H
#define REELDESK_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <signal.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <errno.h>
#include <string.h>
#include <malloc.h>

/* POLLRDHUP is not imported into Swift (it hides behind _GNU_SOURCE). */
static const short reeldesk_POLLRDHUP = 0x2000;
#endif

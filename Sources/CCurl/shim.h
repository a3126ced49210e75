#ifndef REELDESK_CCURL_SHIM_H
#define REELDESK_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo are variadic, which Swift refuses: typed wrappers. */
static inline CURLcode rd_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode rd_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode rd_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode rd_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode rd_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*rd_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode rd_setopt_write(CURL *h, CURLoption o, rd_write_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode rd_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode rd_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode rd_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <string.h>

/* True for addresses that are not on the public internet: loopback, private, link-local,
   carrier-grade NAT, multicast, reserved, unspecified (IPv4, IPv6 and IPv4-mapped IPv6). */
static inline int rd_is_private_ipv4(const unsigned char *a) {
    return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xc0) == 64) ||
           (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
           (a[0] == 192 && a[1] == 0 && a[2] == 0) || (a[0] == 198 && (a[1] & 0xfe) == 18) || a[0] >= 224;
}
static inline int rd_is_private_address(const char *ip) {
    unsigned char a[16];
    if (inet_pton(AF_INET, ip, a) == 1) return rd_is_private_ipv4(a);
    if (inet_pton(AF_INET6, ip, a) != 1) return 1;
    static const unsigned char mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
    if (memcmp(a, mapped, 12) == 0) return rd_is_private_ipv4(a + 12);
    /* IPv6 forms that carry an IPv4 address: judged by that address. */
    static const unsigned char nat64[12] = {0,0x64,0xff,0x9b,0,0,0,0,0,0,0,0};
    if (memcmp(a, nat64, 12) == 0) return rd_is_private_ipv4(a + 12);   /* 64:ff9b::/96 */
    if (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4] == 0 && a[5] == 1) return 1;  /* 64:ff9b:1::/48, local NAT64 */
    if (a[0] == 0x20 && a[1] == 0x02) return rd_is_private_ipv4(a + 2); /* 2002::/16, 6to4 */
    int zero = 1;
    for (int i = 0; i < 15; i++) if (a[i]) zero = 0;
    if (zero && (a[15] == 0 || a[15] == 1)) return 1;          /* :: and ::1 */
    int compatible = 1;                                          /* ::a.b.c.d, IPv4-compatible (deprecated) */
    for (int i = 0; i < 12; i++) if (a[i]) compatible = 0;
    if (compatible) return 1;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return 1;        /* fec0::/10 site-local (deprecated) */
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return 1;  /* 2001:db8::/32 documentation */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return 1;        /* fe80::/10 link-local */
    if ((a[0] & 0xfe) == 0xfc) return 1;                        /* fc00::/7 unique local */
    if (a[0] == 0xff) return 1;                                 /* multicast */
    return 0;
}
/* The same test on a socket address (IPv4, IPv6 or IPv4-mapped); anything else is refused. */
static inline int rd_is_private_sockaddr(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET) return rd_is_private_ipv4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
    if (sa->sa_family != AF_INET6) return 1;
    char ip[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip)) return 1;
    return rd_is_private_address(ip);
}
/* CURLOPT_OPENSOCKETFUNCTION: runs before each socket is made, for every address libcurl tries
   (each address a name resolves to, each redirect hop). A private address gets no socket, so
   it sees no packet at all; `clientp` (an int) records that one was refused. */
static curl_socket_t rd_opensocket_public_only(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)purpose;
    if (rd_is_private_sockaddr((const struct sockaddr *)&address->addr)) {
        if (clientp) *(int *)clientp = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}
/* CURLOPT_PREREQFUNCTION, a second wall: the address actually connected to, before a request. */
static int rd_prereq_public_only(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port) {
    (void)local_ip; (void)primary_port; (void)local_port;
    if (!rd_is_private_address(primary_ip)) return CURL_PREREQFUNC_OK;
    if (clientp) *(int *)clientp = 1;
    return CURL_PREREQFUNC_ABORT;
}
static inline CURLcode rd_setopt_public_only(CURL *h, int *refused) {
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, refused);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, refused);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, rd_opensocket_public_only);
    return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, rd_prereq_public_only);
}
#endif

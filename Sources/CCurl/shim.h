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
#endif

#ifndef READER_CCURL_SHIM_H
#define READER_CCURL_SHIM_H

/*
 * Typed wrappers over libcurl's variadic calls (curl_easy_setopt,
 * curl_easy_getinfo, curl_multi_setopt, curl_share_setopt), which Swift
 * cannot call directly, plus the few macros Swift does not import.
 * One wrapper per argument type; the prefix keeps them apart from curl's own
 * names. Only the ReaderHTTP module imports this.
 */

#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* MARK: global */

static inline CURLcode reader_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

static inline const char *reader_curl_version_number(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return info ? info->version : "unknown";
}

/* MARK: easy setopt, one per argument type */

static inline CURLcode reader_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_blob(CURL *handle, CURLoption option, struct curl_blob *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode reader_curl_easy_setopt_share(CURL *handle, CURLSH *share) {
    return curl_easy_setopt(handle, CURLOPT_SHARE, share);
}

/* Used for both CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (same prototype). */
static inline CURLcode reader_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode reader_curl_easy_setopt_header_callback(CURL *handle, curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode reader_curl_easy_setopt_read_callback(CURL *handle, curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode reader_curl_easy_setopt_seek_callback(CURL *handle, curl_seek_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

static inline CURLcode reader_curl_easy_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: called with the resolved address before each connect, for
 * every connection libcurl opens (each redirect hop, each address tried); returning
 * CURL_SOCKET_BAD refuses it.
 */
static inline CURLcode reader_curl_easy_setopt_opensocket_callback(CURL *handle, curl_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

static inline curl_socket_t reader_curl_socket_bad(void) {
    return CURL_SOCKET_BAD;
}

/*
 * Copies the IP address of a curl_sockaddr into `out` (16 bytes) in network order and
 * returns its length: 4 for IPv4, 16 for IPv6, 0 for anything else. Done in C because
 * `addr` is declared as a plain sockaddr while an IPv6 address runs past its end.
 */
static inline int reader_curl_sockaddr_ip(const struct curl_sockaddr *address, unsigned char *out) {
    if (address->family == AF_INET && address->addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)&address->addr;
        memcpy(out, &v4->sin_addr, 4);
        return 4;
    }
    if (address->family == AF_INET6 && address->addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&address->addr;
        memcpy(out, &v6->sin6_addr, 16);
        return 16;
    }
    return 0;
}

/* MARK: easy getinfo, one per result type */

static inline CURLcode reader_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode reader_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode reader_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode reader_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* MARK: pause (CURLPAUSE_CONT is a compound macro Swift does not import) */

static inline CURLcode reader_curl_easy_unpause(CURL *handle) {
    return curl_easy_pause(handle, CURLPAUSE_CONT);
}

static inline size_t reader_curl_writefunc_pause(void) {
    return CURL_WRITEFUNC_PAUSE;
}

static inline size_t reader_curl_readfunc_abort(void) {
    return CURL_READFUNC_ABORT;
}

/* MARK: multi */

static inline CURLMcode reader_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* CURLMsg carries its result in a union; read it here rather than in Swift. */
static inline int reader_curl_msg_is_done(const CURLMsg *message) {
    return message->msg == CURLMSG_DONE;
}

static inline CURLcode reader_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

/* MARK: share */

static inline CURLSHcode reader_curl_share_setopt_long(CURLSH *share, CURLSHoption option, long value) {
    return curl_share_setopt(share, option, value);
}

#endif

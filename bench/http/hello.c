/*
 * hello.c: the bare libmicrohttpd baseline for the HTTP benchmark.
 *
 * It answers every request with 200 and {"hello":"world"} as
 * application/json, using EXACTLY the daemon flags and options of the
 * product server (internal polling thread + epoll + turbo, a thread pool of
 * N threads, 30 s connection timeout, 1024 connections, 64 KiB per
 * connection), so that the ratio "ours / bare" printed by bench/http/run
 * measures what BiScheduler adds on top of libmicrohttpd and nothing else.
 * The flags match src/http/server.c, including MHD_USE_ITC (the product
 * needs it for MHD_quiesce_daemon on a graceful stop). The product's only
 * other option, MHD_OPTION_NOTIFY_COMPLETED, is its per-request cleanup
 * hook, which a bare server has nothing to do in; it is left out.
 *
 * It listens on 127.0.0.1 only. Usage: hello PORT [THREADS]  (THREADS
 * defaults to 2). Prints "listening on http://127.0.0.1:PORT" to stderr
 * once ready and runs until SIGTERM or SIGINT.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char hello_body[] = "{\"hello\":\"world\"}";

static enum MHD_Result hello_answer(void *cls, struct MHD_Connection *connection,
                                    const char *url, const char *method,
                                    const char *version, const char *upload_data,
                                    size_t *upload_data_size, void **req_cls)
{
    struct MHD_Response *response = cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    /* The usual two-step pattern, as the product server does: the first call
     * only sees the headers; answer once the whole request has been read
     * (answering earlier makes libmicrohttpd close the connection instead
     * of keeping it alive). Any body is discarded. */
    static int request_seen;
    if (*req_cls == NULL) {
        *req_cls = &request_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(connection, MHD_HTTP_OK, response);
}

static int parse_int(const char *text, int min, int max, int *value_r)
{
    char *end = NULL;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < min || value > max)
        return -1;
    *value_r = (int)value;
    return 0;
}

int main(int argc, char **argv)
{
    int port = 0;
    int threads = 2;
    if (argc < 2 || argc > 3 || parse_int(argv[1], 1, 65535, &port) != 0 ||
        (argc == 3 && parse_int(argv[2], 1, 64, &threads) != 0)) {
        fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
        return 2;
    }

    /* Block the stop signals before MHD starts its threads, so that they
     * inherit the mask and only sigwait() below sees them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Response *response = MHD_create_response_from_buffer(
        strlen(hello_body), (void *)hello_body, MHD_RESPMEM_PERSISTENT);
    if (response == NULL ||
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json") != MHD_YES) {
        fprintf(stderr, "hello: cannot build the response\n");
        return 1;
    }

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
            MHD_USE_ERROR_LOG | MHD_USE_ITC,
        (uint16_t)port, NULL, NULL, hello_answer, response,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "hello: cannot listen on 127.0.0.1:%d\n", port);
        MHD_destroy_response(response);
        return 1;
    }
    fprintf(stderr, "listening on http://127.0.0.1:%d\n", port);

    int signo = 0;
    sigwait(&stop_signals, &signo);

    MHD_stop_daemon(daemon);
    MHD_destroy_response(response);
    return 0;
}

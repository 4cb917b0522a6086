/*
 * streamc: a small epoll HTTP/1.1 client for Server-Sent-Event streams, used by infra/bench/run.sh.
 *
 * loop mode (default): keeps N connections busy for D seconds, each sending the same POST again as soon as its
 * previous stream has ended (keep-alive), and timestamps for every stream the first "data:" event and the end of the
 * response. Prints one JSON object with the counts and latency percentiles (ms).
 *
 * hold mode (--hold): opens N streams (at --ramp per second), keeps them open for D seconds (or until SIGTERM),
 * printing a JSON status line every 500 ms: how many connections are open, have seen their response head, their
 * first event, have finished or failed. Used for the "N concurrent open streams" memory test.
 *
 * One thread, non-blocking sockets, level-triggered epoll: it costs a small fraction of what the proxies under test
 * cost per stream, so it does not bottleneck a run (run.sh also measures direct -> simulator to show that).
 *
 *   streamc -p PORT [-a 127.0.0.1] [-u /v1/chat/completions] [-H 'Name: value']... -b BODYFILE
 *           -c CONNECTIONS -d SECONDS [--hold] [--ramp PER_SECOND] [--drain SECONDS]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ST_IDLE, ST_CONNECTING, ST_SENDING, ST_HEAD, ST_BODY, ST_CLOSED };
enum { CS_SIZE, CS_DATA, CS_DATA_END, CS_TRAILER };

typedef struct {
    int fd;
    int state;
    size_t sent;
    double t_start, t_first;
    char head[16384];
    size_t head_len;
    int status;
    int chunked;
    long content_left; /* -1: until close */
    int conn_close;
    int cstate;
    long chunk_left;
    long size_val;
    int size_digits;
    int size_ext;
    int line_len;
    char carry[8];
    int carry_len;
    int events;
    int saw_done;
    int seen_head;
} conn_t;

static const char *addr = "127.0.0.1";
static int port = 0;
static char *req;
static size_t req_len;
static int nconn = 1;
static double duration = 5;
static int hold = 0;
static double ramp = 2000;
static double drain = 30;
static volatile sig_atomic_t stop_signal = 0;
static int epfd;
static conn_t *conns;
static int stopping = 0;

/* results */
static double *ttfe, *total;
static size_t nres, capres;
static long completed, errors, err_status, err_incomplete, err_io, events_total, opened, head_seen, first_seen;
static long active;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_sig(int s) {
    (void)s;
    stop_signal = 1;
}

static void die(const char *m) {
    perror(m);
    exit(2);
}

static void record(double a, double b) {
    if (nres == capres) {
        capres = capres ? capres * 2 : 65536;
        ttfe = realloc(ttfe, capres * sizeof(double));
        total = realloc(total, capres * sizeof(double));
        if (!ttfe || !total) die("realloc");
    }
    ttfe[nres] = a;
    total[nres] = b;
    nres++;
}

static void conn_reset_response(conn_t *c) {
    c->head_len = 0;
    c->status = 0;
    c->chunked = 0;
    c->content_left = -1;
    c->conn_close = 0;
    c->cstate = CS_SIZE;
    c->chunk_left = 0;
    c->size_val = 0;
    c->size_digits = 0;
    c->size_ext = 0;
    c->line_len = 0;
    c->carry_len = 0;
    c->events = 0;
    c->saw_done = 0;
    c->t_first = 0;
    c->seen_head = 0;
}

static void close_conn(conn_t *c) {
    if (c->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
        active--;
    }
    c->state = ST_CLOSED;
}

static void watch(conn_t *c, uint32_t ev, int op) {
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(epfd, op, c->fd, &e) < 0) die("epoll_ctl");
}

static void start_request(conn_t *c);

static void open_conn(conn_t *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        errors++;
        err_io++;
        c->state = ST_CLOSED;
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    c->fd = fd;
    active++;
    opened++;
    conn_reset_response(c);
    c->t_start = now();
    int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    if (r < 0 && errno != EINPROGRESS) {
        errors++;
        err_io++;
        close(fd);
        c->fd = -1;
        active--;
        c->state = ST_CLOSED;
        return;
    }
    c->state = ST_CONNECTING;
    c->sent = 0;
    watch(c, EPOLLOUT | EPOLLIN, EPOLL_CTL_ADD);
}

static void try_send(conn_t *c) {
    while (c->sent < req_len) {
        ssize_t w = write(c->fd, req + c->sent, req_len - c->sent);
        if (w < 0) {
            if (errno == EAGAIN) return;
            errors++;
            err_io++;
            close_conn(c);
            return;
        }
        c->sent += (size_t)w;
    }
    c->state = ST_HEAD;
    watch(c, EPOLLIN, EPOLL_CTL_MOD);
}

static void start_request(conn_t *c) {
    conn_reset_response(c);
    c->t_start = now();
    c->sent = 0;
    c->state = ST_SENDING;
    try_send(c);
    if (c->state == ST_SENDING) watch(c, EPOLLOUT | EPOLLIN, EPOLL_CTL_MOD);
}

/* Scans decoded body bytes for SSE events ("data:" fields) and the OpenAI terminator. */
static void on_body(conn_t *c, const char *p, size_t n) {
    if (n == 0) return;
    char tmp[8 + 65536];
    size_t off = 0;
    while (off < n) {
        size_t take = n - off < 65536 ? n - off : 65536;
        memcpy(tmp, c->carry, c->carry_len);
        memcpy(tmp + c->carry_len, p + off, take);
        size_t len = c->carry_len + take;
        const char *s = tmp, *end = tmp + len;
        const char *f;
        while ((f = memmem(s, end - s, "data:", 5)) != NULL) {
            if (c->events == 0) {
                c->t_first = now();
                first_seen++;
            }
            c->events++;
            events_total++;
            if (end - f >= 12 && memcmp(f, "data: [DONE]", 12) == 0) c->saw_done = 1;
            s = f + 5;
        }
        if (!c->saw_done && memmem(tmp, len, "[DONE]", 6)) c->saw_done = 1;
        /* keep the last 7 bytes so a token split across reads is still found (never re-count a match) */
        size_t keep = len < 7 ? len : 7;
        const char *tail = end - keep;
        if (tail < s) {
            keep = end - s;
            tail = s;
        }
        memcpy(c->carry, tail, keep);
        c->carry_len = (int)keep;
        off += take;
    }
}

/* One response finished: record it, then reuse the connection, open a new one, or stop. */
static void finish(conn_t *c, int ok) {
    double t = now();
    int good = ok && c->status == 200 && c->events > 0;
    if (good) {
        completed++;
        if (!hold) record((c->t_first - c->t_start) * 1000.0, (t - c->t_start) * 1000.0);
    } else {
        errors++;
        if (c->status != 200 && c->status != 0)
            err_status++;
        else if (ok)
            err_incomplete++;
        else
            err_io++;
    }
    int reuse = ok && !c->conn_close && c->status != 0;
    if (hold || stopping) {
        close_conn(c);
        return;
    }
    if (reuse) {
        start_request(c);
    } else {
        close_conn(c);
        open_conn(c);
    }
}

/* Feeds raw bytes after the head through the chunked / content-length framing. Returns 1 when the response ended. */
static int feed(conn_t *c, const char *p, size_t n) {
    if (!c->chunked) {
        if (c->content_left >= 0) {
            size_t take = (long)n < c->content_left ? n : (size_t)c->content_left;
            on_body(c, p, take);
            c->content_left -= take;
            return c->content_left == 0;
        }
        on_body(c, p, n);
        return 0;
    }
    size_t i = 0;
    while (i < n) {
        switch (c->cstate) {
        case CS_SIZE: {
            char ch = p[i++];
            if (ch == '\n') {
                if (c->size_digits == 0) continue; /* tolerate a stray CRLF */
                c->chunk_left = c->size_val;
                c->size_val = 0;
                c->size_digits = 0;
                c->size_ext = 0;
                if (c->chunk_left == 0) {
                    c->cstate = CS_TRAILER;
                    c->line_len = 0;
                } else {
                    c->cstate = CS_DATA;
                }
            } else if (ch == ';') {
                c->size_ext = 1;
            } else if (!c->size_ext && ch != '\r' && ch != ' ') {
                int v = (ch >= '0' && ch <= '9') ? ch - '0'
                       : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                       : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
                                                  : -1;
                if (v < 0) return -1;
                c->size_val = c->size_val * 16 + v;
                c->size_digits++;
            }
            break;
        }
        case CS_DATA: {
            size_t take = (long)(n - i) < c->chunk_left ? n - i : (size_t)c->chunk_left;
            on_body(c, p + i, take);
            i += take;
            c->chunk_left -= take;
            if (c->chunk_left == 0) {
                c->cstate = CS_DATA_END;
                c->line_len = 0;
            }
            break;
        }
        case CS_DATA_END: {
            char ch = p[i++];
            if (ch == '\n') c->cstate = CS_SIZE;
            break;
        }
        case CS_TRAILER: {
            char ch = p[i++];
            if (ch == '\n') {
                if (c->line_len == 0) return 1;
                c->line_len = 0;
            } else if (ch != '\r') {
                c->line_len++;
            }
            break;
        }
        }
    }
    return 0;
}

static void parse_head(conn_t *c, size_t head_end) {
    c->head[head_end] = 0;
    if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1) c->status = -1;
    char *line = strstr(c->head, "\r\n");
    while (line && line < c->head + head_end) {
        line += 2;
        char *eol = strstr(line, "\r\n");
        if (!eol) break;
        *eol = 0;
        if (strncasecmp(line, "transfer-encoding:", 18) == 0 && strcasestr(line, "chunked")) c->chunked = 1;
        else if (strncasecmp(line, "content-length:", 15) == 0) c->content_left = atol(line + 15);
        else if (strncasecmp(line, "connection:", 11) == 0 && strcasestr(line, "close")) c->conn_close = 1;
        *eol = '\r';
        line = eol;
    }
    c->seen_head = 1;
    head_seen++;
}

static void on_readable(conn_t *c) {
    char buf[65536];
    for (;;) {
        ssize_t r = read(c->fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EAGAIN) return;
            finish(c, 0);
            return;
        }
        if (r == 0) {
            /* EOF: a complete response only when it was delimited by the close */
            int ok = c->state == ST_BODY && !c->chunked && c->content_left < 0;
            c->conn_close = 1;
            finish(c, ok);
            return;
        }
        const char *p = buf;
        size_t n = (size_t)r;
        if (c->state == ST_HEAD || c->state == ST_SENDING) {
            size_t room = sizeof c->head - 1 - c->head_len;
            size_t take = n < room ? n : room;
            memcpy(c->head + c->head_len, p, take);
            c->head_len += take;
            c->head[c->head_len] = 0;
            char *he = strstr(c->head, "\r\n\r\n");
            if (!he) {
                if (c->head_len >= sizeof c->head - 1) {
                    finish(c, 0);
                    return;
                }
                continue;
            }
            size_t head_end = (size_t)(he - c->head) + 4;
            size_t body_in_head = c->head_len - head_end;
            size_t consumed_from_buf = take - body_in_head;
            parse_head(c, head_end);
            c->state = ST_BODY;
            p = buf + consumed_from_buf;
            n = n - consumed_from_buf;
            if (!c->chunked && c->content_left == 0) {
                finish(c, 1);
                return;
            }
        }
        if (n > 0) {
            int done = feed(c, p, n);
            if (done < 0) {
                finish(c, 0);
                return;
            }
            if (done) {
                finish(c, 1);
                return;
            }
        }
    }
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p / 100.0 * (n - 1) + 0.5);
    return v[i];
}

static void status_line(double t0, int final) {
    printf("{\"t\":%.3f,\"open\":%ld,\"opened\":%ld,\"head\":%ld,\"first\":%ld,\"done\":%ld,\"errors\":%ld,"
           "\"events\":%ld,\"final\":%s}\n",
           now() - t0, active, opened, head_seen, first_seen, completed, errors, events_total,
           final ? "true" : "false");
    fflush(stdout);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die(path);
    fseek(f, 0, SEEK_END);
    long l = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(l + 1);
    if (fread(b, 1, l, f) != (size_t)l) die("read");
    fclose(f);
    b[l] = 0;
    *len = (size_t)l;
    return b;
}

int main(int argc, char **argv) {
    const char *path = "/v1/chat/completions";
    const char *body_file = NULL;
    char headers[8192] = "";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--hold")) { hold = 1; continue; }
        if (!v) { fprintf(stderr, "missing value for %s\n", a); return 2; }
        if (!strcmp(a, "-p")) port = atoi(v);
        else if (!strcmp(a, "-a")) addr = v;
        else if (!strcmp(a, "-u")) path = v;
        else if (!strcmp(a, "-b")) body_file = v;
        else if (!strcmp(a, "-c")) nconn = atoi(v);
        else if (!strcmp(a, "-d")) duration = atof(v);
        else if (!strcmp(a, "--ramp")) ramp = atof(v);
        else if (!strcmp(a, "--drain")) drain = atof(v);
        else if (!strcmp(a, "-H")) {
            if (strlen(headers) + strlen(v) + 3 >= sizeof headers) { fprintf(stderr, "headers too long\n"); return 2; }
            strcat(headers, v);
            strcat(headers, "\r\n");
        } else { fprintf(stderr, "unknown option %s\n", a); return 2; }
        i++;
    }
    if (!port || !body_file || nconn < 1) {
        fprintf(stderr, "usage: streamc -p PORT -b BODYFILE -c N -d SECONDS [-H h]... [--hold] [--ramp R]\n");
        return 2;
    }
    size_t blen;
    char *body = read_file(body_file, &blen);
    req = malloc(blen + 16384);
    req_len = (size_t)sprintf(req,
                              "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                              "Accept: text/event-stream\r\n%sContent-Length: %zu\r\n\r\n",
                              path, addr, port, headers, blen);
    memcpy(req + req_len, body, blen);
    req_len += blen;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    conns = calloc(nconn, sizeof(conn_t));
    for (int i = 0; i < nconn; i++) {
        conns[i].fd = -1;
        conns[i].state = ST_IDLE;
    }
    struct epoll_event *evs = calloc(4096, sizeof *evs);
    double t0 = now(), next_status = t0 + 0.5, stop_at = t0 + duration, drain_until = 0;
    int next_open = 0;
    for (;;) {
        double t = now();
        if (next_open < nconn) {
            long want = hold ? (long)((t - t0) * ramp) + 1 : nconn;
            while (next_open < nconn && next_open < want && !stopping) open_conn(&conns[next_open++]);
        }
        if (!stopping && (t >= stop_at || stop_signal)) {
            stopping = 1;
            drain_until = t + (hold || stop_signal ? 0 : drain);
        }
        if (stopping && (active == 0 || t >= drain_until)) break;
        if (hold && t >= next_status) {
            status_line(t0, 0);
            next_status += 0.5;
        }
        int n = epoll_wait(epfd, evs, 4096, 10);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (c->fd < 0) continue;
            uint32_t e = evs[i].events;
            if (c->state == ST_CONNECTING) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err) {
                    errors++;
                    err_io++;
                    close_conn(c);
                    if (!hold && !stopping) open_conn(c);
                    continue;
                }
                c->state = ST_SENDING;
                try_send(c);
                continue;
            }
            if (c->state == ST_SENDING && (e & EPOLLOUT)) {
                try_send(c);
                if (c->fd < 0) continue;
            }
            if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
        }
    }
    double elapsed = now() - t0;
    long unfinished = active;
    if (hold) {
        status_line(t0, 1);
        return 0;
    }
    qsort(ttfe, nres, sizeof(double), cmp);
    qsort(total, nres, sizeof(double), cmp);
    double sum_t = 0, sum_f = 0;
    for (size_t i = 0; i < nres; i++) {
        sum_t += total[i];
        sum_f += ttfe[i];
    }
    printf("{\"completed\":%ld,\"errors\":%ld,\"err_status\":%ld,\"err_incomplete\":%ld,\"err_io\":%ld,"
           "\"unfinished\":%ld,\"elapsed_s\":%.4f,\"events\":%ld,"
           "\"ttfe_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f},"
           "\"total_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}}\n",
           completed, errors, err_status, err_incomplete, err_io, unfinished, elapsed, events_total,
           pct(ttfe, nres, 50), pct(ttfe, nres, 90), pct(ttfe, nres, 99), nres ? ttfe[nres - 1] : 0,
           nres ? sum_f / nres : 0, pct(total, nres, 50), pct(total, nres, 90), pct(total, nres, 99),
           nres ? total[nres - 1] : 0, nres ? sum_t / nres : 0);
    return 0;
}

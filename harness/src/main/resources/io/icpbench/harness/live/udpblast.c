/*
 * udpblast: the C reference for 'icpbench live' (built by icpbench with the system's cc).
 *
 *   udpblast send PORT FILE MILLIS RATE BATCH    sendmmsg the datagrams of FILE to 127.0.0.1:PORT
 *                                                in a loop, RATE datagrams/s (0: flat out)
 *   udpblast recv PORT MILLIS IDLE_MS BATCH      recvmmsg on 127.0.0.1:PORT until MILLIS ms have
 *                                                passed or no datagram came for IDLE_MS after the
 *                                                first; PORT 0 binds an ephemeral port. Each call
 *                                                waits for one datagram and takes what is queued
 *                                                behind it, up to BATCH (MSG_WAITFORONE), as the
 *                                                Netty receiver takes what epoll says is there
 *
 * FILE: "ICPDGRM1", then per datagram a 4-byte big-endian length and the bytes. The sender
 * writes the send time (CLOCK_MONOTONIC, ns, big-endian) into each datagram's last 8 bytes,
 * once per sendmmsg batch, as 'icpbench send' does.
 *
 * Both print one JSON line on stdout when they end; recv prints {"port":N} first, once bound.
 * recv's line has its CPU time (user + system, getrusage) as cpu_ns.
 * Errors go to stderr with exit code 2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_DGRAM 65535

static void die(const char *what) {
    fprintf(stderr, "udpblast: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(void) {
    fprintf(stderr, "usage: udpblast send PORT FILE MILLIS RATE BATCH\n"
                    "       udpblast recv PORT MILLIS IDLE_MS BATCH\n");
    exit(2);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long arg_long(const char *s, long min, long max, const char *name) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "udpblast: %s=%s, expected an integer %ld..%ld\n", name, s, min, max);
        exit(2);
    }
    return v;
}

static void put_be64(unsigned char *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char) v;
        v >>= 8;
    }
}

static int do_send(int argc, char **argv) {
    if (argc != 7) usage();
    int port = (int) arg_long(argv[2], 1, 65535, "PORT");
    const char *file = argv[3];
    double seconds = (double) arg_long(argv[4], 1, 86400000, "MILLIS") / 1000.0;
    long rate = arg_long(argv[5], 0, 1000000000L, "RATE");
    int batch = (int) arg_long(argv[6], 1, MAX_BATCH, "BATCH");

    FILE *f = fopen(file, "rb");
    if (!f) die(file);
    char magic[8];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "ICPDGRM1", 8) != 0) {
        fprintf(stderr, "udpblast: %s: not a datagram file (no ICPDGRM1 magic)\n", file);
        return 2;
    }
    size_t n = 0, cap = 1024;
    unsigned char **dg = malloc(cap * sizeof *dg);
    size_t *len = malloc(cap * sizeof *len);
    for (;;) {
        unsigned char l[4];
        size_t got = fread(l, 1, 4, f);
        if (got == 0) break;
        if (got != 4) {
            fprintf(stderr, "udpblast: %s: truncated length at datagram %zu\n", file, n);
            return 2;
        }
        size_t L = ((size_t) l[0] << 24) | ((size_t) l[1] << 16) | ((size_t) l[2] << 8) | l[3];
        if (L < 8 || L > MAX_DGRAM) {
            fprintf(stderr, "udpblast: %s: datagram %zu has length %zu, expected 8..%d\n", file, n, L, MAX_DGRAM);
            return 2;
        }
        if (n == cap) {
            cap *= 2;
            dg = realloc(dg, cap * sizeof *dg);
            len = realloc(len, cap * sizeof *len);
        }
        dg[n] = malloc(L);
        len[n] = L;
        if (fread(dg[n], 1, L, f) != L) {
            fprintf(stderr, "udpblast: %s: truncated datagram %zu\n", file, n);
            return 2;
        }
        n++;
    }
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "udpblast: %s: no datagrams\n", file);
        return 2;
    }
    /* A batch stamps each of its datagrams: one buffer per batch slot, so that a datagram that
     * appears twice in a batch is not overwritten before sendmmsg copies it. */
    static unsigned char slot[MAX_BATCH][MAX_DGRAM];
    static struct mmsghdr msgs[MAX_BATCH];
    static struct iovec iov[MAX_BATCH];
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = slot[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    uint64_t sent = 0, failed = 0;
    size_t next = 0;
    int64_t start = now_ns(), end = start + (int64_t) (seconds * 1e9), t;
    while ((t = now_ns()) < end) {
        int want = batch;
        if (rate > 0) {
            uint64_t due = (uint64_t) ((double) (t - start) * rate / 1e9);
            if (due <= sent) {
                int64_t wait = (int64_t) ((double) (sent + 1) * 1e9 / rate) + start - t;
                if (wait > 50000) {
                    struct timespec ts = {0, wait - 20000};
                    nanosleep(&ts, NULL);
                }
                continue;
            }
            if (due - sent < (uint64_t) want) want = (int) (due - sent);
        }
        for (int i = 0; i < want; i++) {
            memcpy(slot[i], dg[next], len[next]);
            put_be64(slot[i] + len[next] - 8, (uint64_t) t);
            iov[i].iov_len = len[next];
            next = next + 1 == n ? 0 : next + 1;
        }
        int off = 0;
        while (off < want) {
            int r = sendmmsg(fd, msgs + off, want - off, 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == ENOBUFS) {
                    failed++; /* the first datagram of the rest is lost; go on with the others */
                    off++;
                    continue;
                }
                die("sendmmsg");
            }
            sent += (uint64_t) r;
            off += r;
        }
    }
    double secs = (now_ns() - start) / 1e9;
    printf("{\"sent\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"seconds\":%.6f,\"rate\":%.1f}\n", sent, failed, secs, sent / secs);
    return 0;
}

/* The drops column of this socket's line in /proc/net/udp (-1 if not found). */
static long long socket_drops(int port) {
    FILE *f = fopen("/proc/net/udp", "r");
    if (!f) return -1;
    char line[512];
    long long drops = -1;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        unsigned int addr, lport;
        unsigned long long d;
        /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops */
        if (sscanf(line, " %*d: %X:%X %*X:%*X %*X %*X:%*X %*X:%*X %*X %*u %*u %*u %*d %*s %llu", &addr, &lport, &d) == 3
            && (int) lport == port) {
            drops = (long long) d;
        }
    }
    fclose(f);
    return drops;
}

static int do_recv(int argc, char **argv) {
    if (argc != 6) usage();
    int port = (int) arg_long(argv[2], 0, 65535, "PORT");
    double seconds = (double) arg_long(argv[3], 1, 86400000, "MILLIS") / 1000.0;
    long idle_ms = arg_long(argv[4], 1, 3600000, "IDLE_MS");
    int batch = (int) arg_long(argv[5], 1, MAX_BATCH, "BATCH");

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    int rcvbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = {0, 20000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *) &a, &alen);
    port = ntohs(a.sin_port);
    printf("{\"port\":%d}\n", port);
    fflush(stdout);

    static unsigned char buf[MAX_BATCH][2048];
    static struct mmsghdr msgs[MAX_BATCH];
    static struct iovec iov[MAX_BATCH];
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = sizeof buf[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    uint64_t received = 0, bytes = 0, first_count = 0, sum = 0;
    int64_t start = now_ns(), end = start + (int64_t) (seconds * 1e9), first = 0, last = 0, t;
    while ((t = now_ns()) < end) {
        int r = recvmmsg(fd, msgs, batch, MSG_WAITFORONE, NULL);
        t = now_ns();
        if (r < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) die("recvmmsg");
            if (first && t - last > idle_ms * 1000000LL) break;
            continue;
        }
        for (int i = 0; i < r; i++) {
            unsigned int L = msgs[i].msg_len;
            bytes += L;
            /* Read the send stamp, as the Java receiver does. */
            if (L >= 8) sum += buf[i][L - 1];
        }
        received += (uint64_t) r;
        if (!first) {
            first = t;
            first_count = received;
        }
        last = t;
    }
    long long drops = socket_drops(port);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
    double span = first && last > first ? (last - first) / 1e9 : 0;
    double rate = span > 0 ? (received - first_count) / span : 0;
    printf("{\"received\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"drops\":%lld,\"seconds\":%.6f,\"rate\":%.1f,\"cpu_ns\":%.0f,\"check\":%" PRIu64 "}\n",
           received, bytes, drops, span, rate, cpu_ns, sum);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    if (strcmp(argv[1], "send") == 0) return do_send(argc, argv);
    if (strcmp(argv[1], "recv") == 0) return do_recv(argc, argv);
    usage();
    return 2;
}

/*
 * socket_loop: the kernel's price for the Unix-socket liveness probe, with nothing on top, to set
 * beside fifo_loop's price for lifeline's check. Same timing scheme as fifo_loop: a warm-up
 * round, then ROUNDS rounds of SECONDS each, calls in batches of 1000, one line per round.
 *
 *   connect: socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC), connect, close: the cheapest probe that
 *            is still correct (connect succeeds only while someone listens on PATH)
 *   jdk:     socket(AF_UNIX, SOCK_STREAM), connect, getsockname, close: the calls the JDK's
 *            SocketChannel.open(address) makes (getsockname fills its local address), so that
 *            the Java row minus this one is what the JDK itself adds
 *
 * Usage: socket_loop connect|jdk PATH ROUNDS SECONDS_PER_ROUND [listen]
 * Prints "ns_per_op N" per round, then "median NS"; exits 1 if a connect fails: a fast refusal
 * measures nothing.
 *
 * The listener: without "listen", whoever listens on PATH: the benchmark daemon's JVM, the
 * listener the Java probe meets, so that C and Java are compared like with like. With "listen", a
 * child process of this program listens on PATH and accepts and closes each connection in C, as
 * the daemon does, on the other core of a 2-core machine. Why both: in a tight loop the listener
 * shapes the client's figure. A listener slower than the client lets its backlog fill, and a
 * connect to a full backlog sleeps until an accept makes room; a listener that is busy when the
 * connection arrives spares the client the cost of waking it. A listener in C is cheaper per
 * connection (accept, close) than the probe, so it keeps up and is mostly asleep in accept when a
 * probe arrives, as a real daemon is for real probes, seconds apart.
 * Built by bench/run.sh with the machine's gcc; never shipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rounds.h"

static struct sockaddr_un address;
static socklen_t address_len;

/* Both probes connect to the address set up in main; the argument is time_rounds' and unused. */
static int probe_connect(const char *unused) {
    (void)unused;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int r = connect(fd, (struct sockaddr *)&address, address_len);
    close(fd);
    return r == 0;
}

static int probe_jdk(const char *unused) {
    (void)unused;
    struct sockaddr_un local;
    socklen_t local_len = sizeof local;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    int r = connect(fd, (struct sockaddr *)&address, address_len);
    if (r == 0) r = getsockname(fd, (struct sockaddr *)&local, &local_len);
    close(fd);
    return r == 0;
}

/*
 * Listens on PATH (bound and listening before the fork, so the first connect finds it) and
 * accepts and closes in a child process until killed; returns the child's pid, or -1.
 */
static pid_t listen_in_child(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(address.sun_path);
    /* The same backlog as the benchmark daemon's listener. */
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, address_len) < 0 || listen(fd, 512) < 0) {
        perror("socket_loop: listen");
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) {
        close(fd);
        return pid;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(111);
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c >= 0) {
            close(c);
        } else if (errno != EINTR && errno != ECONNABORTED) {
            perror("socket_loop: accept");
            _exit(111);
        }
    }
}

int main(int argc, char **argv) {
    if ((argc != 5 && !(argc == 6 && strcmp(argv[5], "listen") == 0))
            || (strcmp(argv[1], "connect") != 0 && strcmp(argv[1], "jdk") != 0)) {
        fprintf(stderr, "usage: socket_loop connect|jdk PATH ROUNDS SECONDS_PER_ROUND [listen]\n");
        return 100;
    }
    if (strlen(argv[2]) >= sizeof address.sun_path) {
        fprintf(stderr, "socket_loop: path too long for a Unix socket: %s\n", argv[2]);
        return 100;
    }
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, argv[2]);
    address_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(argv[2]) + 1);
    pid_t listener = -1;
    if (argc == 6 && (listener = listen_in_child()) < 0) return 111;

    int (*probe)(const char *) = strcmp(argv[1], "connect") == 0 ? probe_connect : probe_jdk;
    /* Timed as in fifo_loop (rounds.h). */
    int r = time_rounds(atoi(argv[3]), atof(argv[4]), probe, NULL);
    if (r < 0) fprintf(stderr, "socket_loop: %s to %s failed (errno %d)\n", argv[1], argv[2], errno);
    if (listener > 0) {
        kill(listener, SIGKILL);
        waitpid(listener, NULL, 0);
        unlink(address.sun_path);
    }
    return r < 0 ? 1 : 0;
}

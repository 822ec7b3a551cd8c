/*
 * reaper: the kernel's own death notice, as its best-placed observer sees it. Starts HOLDER as
 * its child and waits for it in waitpid(2); the moment waitpid returns it takes CLOCK_MONOTONIC,
 * the clock System.nanoTime() reads, so the measuring JVM can set it against its own stamps.
 *
 * Why the parent: of the observers the kernel tells of a death as such (the parent's waitpid and
 * SIGCHLD, any pidfd), the parent is the best placed, and Linux tells it only at the end of
 * do_exit(): exit_mm (the address space torn down), then exit_files (the descriptors closed: a
 * beacon's FIFO loses its reader, which is lifeline's notice), then exit_notify (the parent). So
 * waitpid is the floor lifeline's notice is set against: lifeline should hear at the same time or
 * sooner. (Tracers, ptrace or eBPF on the exit tracepoints, hear sooner; they are not a way to
 * watch a daemon.) The holder is this program's child, not the measuring JVM's, so that
 * ProcessHandle.onExit there still measures a daemon someone else started.
 *
 * Usage: reaper HOLDER [ARG...]
 * Prints "pid N" once the holder is started; then, when it has died, "reaped NS SIGNAL" (NS the
 * CLOCK_MONOTONIC nanoseconds when waitpid returned, SIGNAL the signal that ended it, 0 for an
 * exit). Then waits for its standard input to end before exiting, so that its own exit (and the
 * measuring JVM's reaping of it) never competes with an observer still on its way. The holder's
 * standard input and output are /dev/null; its standard error is this program's. Both die with
 * their parent (PR_SET_PDEATHSIG), so a killed benchmark leaves no holder behind.
 * Built by bench/run.sh with the machine's gcc; never shipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: reaper HOLDER [ARG...]\n");
        return 100;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
        perror("reaper: prctl");
        return 111;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        perror("reaper: fork");
        return 111;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        /* The holder dies with the reaper; the check closes the race with a reaper already gone. */
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0
                || getppid() != parent) {
            _exit(111);
        }
        execvp(argv[1], argv + 1);
        perror("reaper: exec");
        _exit(111);
    }
    printf("pid %d\n", (int)pid);
    fflush(stdout);

    int status;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* first thing after the wake-up: this is the stamp */
    if (r < 0) {
        perror("reaper: waitpid");
        return 111;
    }
    printf("reaped %lld %d\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
           WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    fflush(stdout);

    char buf[256];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR)) {
            return 0;
        }
    }
}

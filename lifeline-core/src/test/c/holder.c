/*
 * A daemon written in C, for InteropTest: the beacon protocol without lifeline.
 *
 *   holder PATH            makes the FIFO PATH (mode 0600) unless it exists, holds it open for
 *                          reading (O_RDONLY|O_NONBLOCK|O_CLOEXEC), prints "held", and keeps it
 *                          until standard input ends (or a signal ends it)
 *   holder PATH hung       the same, after a beat whose promise has passed: mtime 2 s ago,
 *                          atime (the deadline) 1 s ago, each with lifeline's signature in the
 *                          nanoseconds below the millisecond (417417)
 *   holder PATH promise    the same, promising a beat within the next minute
 *   holder PATH fifo       only makes the FIFO, prints "made" and exits
 *   holder PATH file       only makes an empty regular file, prints "made" and exits
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SIGNATURE 417417L

static struct timespec millis(long long ms) {
    struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L + SIGNATURE };
    return t;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: holder PATH [hung|promise|fifo|file]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *mode = argc > 2 ? argv[2] : "";
    if (strcmp(mode, "file") == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            perror("open");
            return 1;
        }
        close(fd);
        puts("made");
        return 0;
    }
    if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
        perror("mkfifo");
        return 1;
    }
    if (strcmp(mode, "fifo") == 0) {
        puts("made");
        return 0;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    if (strcmp(mode, "hung") == 0 || strcmp(mode, "promise") == 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        long long ms = (long long) now.tv_sec * 1000 + now.tv_nsec / 1000000;
        /* times[0] is atime (the deadline), times[1] mtime (the beat) */
        struct timespec times[2];
        if (strcmp(mode, "hung") == 0) {
            times[0] = millis(ms - 1000);
            times[1] = millis(ms - 2000);
        } else {
            times[0] = millis(ms + 60000);
            times[1] = millis(ms);
        }
        if (futimens(fd, times) != 0) {
            perror("futimens");
            return 1;
        }
    }
    puts("held");
    fflush(stdout);
    char buffer[256];
    while (read(0, buffer, sizeof buffer) > 0) {
        /* until standard input ends */
    }
    close(fd);
    puts("closed");
    return 0;
}

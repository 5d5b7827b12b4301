/* memory_shapes SHAPE MIB MS [PATH]: one memory shape each, for watch --explain's notes. Built by
 * tests/e2e/test_watch.py.
 *   fall     MIB MS       malloc and touch MIB (mmap'd: above glibc's threshold), wait MS, free it (munmap:
 *                          RSS falls, VmHWM stays), wait MS
 *   plateau  MIB MS       wait 200 ms (watch's first samples see the program small), malloc and touch MIB,
 *                          then hold it for MS
 *   share    MIB MS       malloc and touch MIB, fork a child that holds the same pages (shared until written:
 *                          each counts in both RSSes, half in each PSS), wait MS, end both
 *   file     MIB MS PATH  write MIB to PATH, map it and read one byte a page (file-backed pages), hold MS
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void wait_ms(long ms) {
    struct timespec span = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&span, &span) != 0) {
    }
}

static char* touched(size_t bytes) {
    char* volatile block = malloc(bytes);
    if (block == NULL) {
        _exit(1);
    }
    memset(block, 0x5a, bytes);
    __asm__ volatile("" : : "g"(block) : "memory");
    return block;
}

static int file_pages(size_t bytes, long ms, const char* path) {
    const int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[4096];
    memset(page, 0x5a, sizeof page);
    for (size_t written = 0; fd >= 0 && written < bytes; written += sizeof page) {
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page) {
            return 1;
        }
    }
    const volatile char* map = fd < 0 ? MAP_FAILED : mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        return 1;
    }
    unsigned sum = 0;
    for (size_t at = 0; at < bytes; at += sizeof page) {
        sum += (unsigned)map[at];
    }
    wait_ms(ms);
    return sum == 0 ? 1 : 0;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        return 2;
    }
    const size_t bytes = strtoul(argv[2], NULL, 10) << 20;
    const long ms = strtol(argv[3], NULL, 10);
    if (strcmp(argv[1], "fall") == 0) {
        char* block = touched(bytes);
        wait_ms(ms);
        free(block);
        wait_ms(ms);
    } else if (strcmp(argv[1], "plateau") == 0) {
        wait_ms(200);
        touched(bytes);
        wait_ms(ms);
    } else if (strcmp(argv[1], "share") == 0) {
        touched(bytes);
        const pid_t child = fork();
        if (child == 0) {
            for (;;) {
                pause();
            }
        }
        wait_ms(ms);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    } else if (strcmp(argv[1], "file") == 0 && argc > 4) {
        return file_pages(bytes, ms, argv[4]);
    } else {
        return 2;
    }
    return 0;
}

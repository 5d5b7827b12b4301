/*
 * memory_leaks.c - the teaching article's program, written out as the article describes it.
 *
 * Each iteration prints getrusage(RUSAGE_SELF).ru_maxrss, mallocs a 4096*1000-byte block, memsets it
 * with -1 "to ensure the OS commits to physical memory", and then (the article's line 43) either frees it
 * or, with free() commented out, loses the pointer. Then it sleeps. With the leak, memory climbs
 * forever; with free(), it rises once and stops.
 *
 * Build:   cc -O2 -o article_memory_leaks memory_leaks.c        (CMake target: article_memory_leaks)
 *          add -DWITH_FREE to restore the article's free() (CMake target: article_memory_frees)
 * Run:     ./article_memory_leaks [ITERATIONS [INTERVAL_SECONDS]]
 *          defaults: forever, 5 seconds (the article's values). ITERATIONS 0 means forever.
 *
 * ru_maxrss is in kilobytes on Linux (bytes on macOS), and it is a high-water mark: it never goes down.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BLOCK_SIZE (4096 * 1000)

static void print_usage(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("Memory usage: %ld kilobytes\n", usage.ru_maxrss);
    fflush(stdout);
}

static int parse_args(int argc, char** argv, unsigned long* iterations, double* interval_s) {
    char* end = NULL;
    if (argc > 3) {
        return -1;
    }
    if (argc >= 2) {
        errno = 0;
        *iterations = strtoul(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || argv[1][0] == '-') {
            return -1;
        }
    }
    if (argc == 3) {
        errno = 0;
        *interval_s = strtod(argv[2], &end);
        if (errno != 0 || *end != '\0' || !(*interval_s >= 0.0) || *interval_s > 86400.0) {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char** argv) {
    unsigned long iterations = 0; /* 0: forever, as in the article */
    double interval_s = 5.0;
    if (parse_args(argc, argv, &iterations, &interval_s) != 0) {
        fprintf(stderr, "usage: %s [ITERATIONS (0 = forever) [INTERVAL_SECONDS]]\n", argv[0]);
        return 2;
    }
    struct timespec pause = {(time_t)interval_s, (long)((interval_s - (double)(time_t)interval_s) * 1e9)};

    for (unsigned long i = 0; iterations == 0 || i < iterations; ++i) {
        print_usage();
        char* ptr = malloc(BLOCK_SIZE);
        if (ptr == NULL) {
            fprintf(stderr, "malloc failed\n");
            return 1;
        }
        memset(ptr, -1, BLOCK_SIZE); /* to ensure the OS commits to physical memory */
        /* Keep the optimiser from deleting the demo: GCC at -O2 removes malloc+memset+free outright. */
        __asm__ volatile("" : : "r"(ptr) : "memory");
#ifdef WITH_FREE
        free(ptr); /* line 43: with this line in, memory stops climbing */
#endif
        if (interval_s > 0.0) {
            nanosleep(&pause, NULL);
        }
    }
    return 0;
}

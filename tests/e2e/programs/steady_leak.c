/* steady_leak BYTES STEP_MS [STEPS] [child|relative]: mallocs and touches BYTES every STEP_MS milliseconds
 * and never frees them (STEPS 0 or absent: forever). With a fourth argument "child" the leaking is done by a
 * forked child while the parent only waits: a tree where the child leaks. With "relative" it sleeps STEP_MS
 * after each block instead of pacing by absolute deadlines, so a stop (SIGSTOP) is not caught up after
 * SIGCONT: it leaks at its rate per second of running time. Built by tests/e2e/test_watch.py.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Paced by absolute deadlines, so the rate stays steady whatever the memset costs on a busy machine. */
static int g_relative = 0;

static void leak(size_t bytes, long step_ms, unsigned long steps) {
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (unsigned long i = 0; steps == 0 || i < steps; ++i) {
        char* volatile block = malloc(bytes);
        if (block == NULL) {
            _exit(1);
        }
        memset(block, 0x5a, bytes);
        if (g_relative) {
            clock_gettime(CLOCK_MONOTONIC, &next);
        }
        next.tv_nsec += step_ms * 1000000L;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            ++next.tv_sec;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
}

int main(int argc, char** argv) {
    if (argc < 3) {
        return 2;
    }
    const size_t bytes = strtoul(argv[1], NULL, 10);
    const long step_ms = strtol(argv[2], NULL, 10);
    const unsigned long steps = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
    g_relative = argc > 4 && strcmp(argv[4], "relative") == 0;
    if (argc > 4 && strcmp(argv[4], "child") == 0) {
        const pid_t child = fork();
        if (child == 0) {
            leak(bytes, step_ms, steps);
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    leak(bytes, step_ms, steps);
    return 0;
}

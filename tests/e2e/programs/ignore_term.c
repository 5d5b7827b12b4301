/* ignore_term: ignores SIGTERM and sleeps until killed (SIGKILL). Built by tests/e2e/test_watch.py. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <unistd.h>

int main(void) {
    signal(SIGTERM, SIG_IGN);
    for (;;) {
        pause();
    }
}

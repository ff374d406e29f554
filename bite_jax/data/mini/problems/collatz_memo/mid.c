#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    /* an even i takes one halving to reach i / 2, whose length is already known; odd i still walk the whole chain */
    int *length = calloc(n + 1, sizeof(int));
    long long best = 1, best_len = 0;
    for (long long i = 1; i <= n; i++) {
        int len = 0;
        if (i % 2 == 0) {
            len = length[i / 2] + 1;
        } else {
            long long x = i;
            while (x != 1) {
                x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
                len++;
            }
        }
        length[i] = len;
        if (len > best_len) {
            best_len = len;
            best = i;
        }
    }
    printf("%lld %lld\n", best, best_len);
    free(length);
    return 0;
}

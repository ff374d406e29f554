#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    /* len[v] for every v < i is known when i is processed: stop as soon as the chain drops below i */
    int *len = calloc(n + 1, sizeof(int));
    long long best = 1, best_len = 0;
    for (long long i = 2; i <= n; i++) {
        long long x = i;
        int steps = 0;
        while (x >= i) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        len[i] = steps + len[x];
        if (len[i] > best_len) {
            best_len = len[i];
            best = i;
        }
    }
    printf("%lld %lld\n", best, best_len);
    free(len);
    return 0;
}

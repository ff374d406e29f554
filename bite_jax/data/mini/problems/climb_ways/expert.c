#include <stdio.h>
#include <stdlib.h>

#define MOD 1000000007LL

int main(void) {
    int n, k, steps[10];
    if (scanf("%d %d", &n, &k) != 2) return 0;
    for (int i = 0; i < k; i++) scanf("%d", &steps[i]);
    /* ways[m] depends only on smaller m: fill the table bottom-up */
    long long *ways = calloc(n + 1, sizeof(long long));
    ways[0] = 1;
    for (int m = 1; m <= n; m++)
        for (int i = 0; i < k; i++)
            if (steps[i] <= m) ways[m] = (ways[m] + ways[m - steps[i]]) % MOD;
    printf("%lld\n", ways[n]);
    free(ways);
    return 0;
}

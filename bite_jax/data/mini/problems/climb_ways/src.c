#include <stdio.h>

#define MOD 1000000007LL

static int k, steps[10];

static long long ways(int m) {
    if (m == 0) return 1;
    long long total = 0;
    for (int i = 0; i < k; i++)
        if (steps[i] <= m) total = (total + ways(m - steps[i])) % MOD;
    return total;
}

int main(void) {
    int n;
    if (scanf("%d %d", &n, &k) != 2) return 0;
    for (int i = 0; i < k; i++) scanf("%d", &steps[i]);
    printf("%lld\n", ways(n));
    return 0;
}

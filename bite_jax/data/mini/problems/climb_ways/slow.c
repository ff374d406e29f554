#include <stdio.h>

#define MOD 1000000007LL

static int allowed[11]; /* allowed[s] = 1 when s is a move size */

static long long ways(int m) {
    if (m < 0) return 0;
    if (m == 0) return 1;
    long long total = 0;
    for (int s = 1; s <= 10; s++)
        if (allowed[s]) total = (total + ways(m - s)) % MOD;
    return total;
}

int main(void) {
    int n, k;
    if (scanf("%d %d", &n, &k) != 2) return 0;
    for (int i = 0; i < k; i++) {
        int s;
        scanf("%d", &s);
        allowed[s] = 1;
    }
    printf("%lld\n", ways(n));
    return 0;
}

#include <stdio.h>

/* G is multiplicative with G(p^a) = p^(a-1) * ((a+1)p - a). */
static long long pillai(long long n) {
    long long res = 1;
    for (long long p = 2; p * p <= n; p++) {
        if (n % p) continue;
        long long a = 0, pk = 1;
        while (n % p == 0) {
            n /= p;
            a++;
            pk *= p;
        }
        res *= pk / p * ((a + 1) * p - a);
    }
    if (n > 1) res *= 2 * n - 1;
    return res;
}

int main(void) {
    int t;
    if (scanf("%d", &t) != 1) return 0;
    while (t--) {
        long long n;
        scanf("%lld", &n);
        printf("%lld\n", pillai(n));
    }
    return 0;
}

#include <stdio.h>

#define MOD 1000000007LL

/* 1^2 + ... + n^2 modulo MOD, summed term by term. */
static long long square_prefix(long long n) {
    long long s = 0;
    for (long long i = 1; i <= n; i++)
        s = (s + i * i) % MOD;
    return s;
}

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long l, r;
        scanf("%lld %lld", &l, &r);
        printf("%lld\n", (square_prefix(r) - square_prefix(l - 1) + MOD) % MOD);
    }
    return 0;
}

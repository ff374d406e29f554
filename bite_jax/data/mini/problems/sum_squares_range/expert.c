#include <stdio.h>

#define MOD 1000000007LL
#define INV6 166666668LL /* 6 * INV6 == 1 (mod MOD) */

/* 1^2 + 2^2 + ... + n^2 modulo MOD, via n(n+1)(2n+1)/6. */
static long long square_prefix(long long n) {
    return n % MOD * ((n + 1) % MOD) % MOD * ((2 * n + 1) % MOD) % MOD * INV6 % MOD;
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

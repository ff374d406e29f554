#include <stdio.h>

#define MOD 1000000007LL

/* x * y modulo MOD from 16-bit halves, so that every partial product fits in 32 bits */
static long long mulmod(long long x, long long y) {
    long long xh = x >> 16, xl = x & 0xFFFF, yh = y >> 16, yl = y & 0xFFFF;
    long long r = xh * yh % MOD;
    r = ((r << 16) + xh * yl + xl * yh) % MOD;
    return ((r << 16) + xl * yl) % MOD;
}

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long a, b, r = 1;
        scanf("%lld %lld", &a, &b);
        a %= MOD;
        for (long long i = 0; i < b; i++)
            r = mulmod(r, a);
        printf("%lld\n", r);
    }
    return 0;
}

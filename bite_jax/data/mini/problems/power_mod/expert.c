#include <stdio.h>

#define MOD 1000000007LL

/* a^b mod MOD by repeated squaring: O(log b) multiplications. */
static long long power(long long a, long long b) {
    long long r = 1;
    a %= MOD;
    while (b > 0) {
        if (b & 1) r = r * a % MOD;
        a = a * a % MOD;
        b >>= 1;
    }
    return r;
}

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        printf("%lld\n", power(a, b));
    }
    return 0;
}

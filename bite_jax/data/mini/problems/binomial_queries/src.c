#include <stdio.h>

#define MOD 1000000007LL

static long long power(long long a, long long e) {
    long long r = 1;
    a %= MOD;
    while (e > 0) {
        if (e & 1) r = r * a % MOD;
        a = a * a % MOD;
        e >>= 1;
    }
    return r;
}

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long n, k;
        scanf("%lld %lld", &n, &k);
        /* C(n, k) = n (n-1) ... (n-k+1) / k! */
        long long num = 1, den = 1;
        for (long long i = 0; i < k; i++) {
            num = num * (n - i) % MOD;
            den = den * (i + 1) % MOD;
        }
        printf("%lld\n", num * power(den, MOD - 2) % MOD);
    }
    return 0;
}

#include <stdio.h>

#define MOD 1000000007LL

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        a %= MOD;
        /* a^b = (a^2)^(b / 2) * a^(b % 2): half as many multiplications */
        long long r = b % 2 ? a : 1, a2 = a * a % MOD;
        for (long long i = 0; i < b / 2; i++)
            r = r * a2 % MOD;
        printf("%lld\n", r);
    }
    return 0;
}

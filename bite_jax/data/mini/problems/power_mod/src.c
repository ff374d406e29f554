#include <stdio.h>

#define MOD 1000000007LL

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long a, b, r = 1;
        scanf("%lld %lld", &a, &b);
        a %= MOD;
        for (long long i = 0; i < b; i++)
            r = r * a % MOD;
        printf("%lld\n", r);
    }
    return 0;
}

#include <stdio.h>

#define MOD 1000000007LL

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        long long l, r, s = 0;
        scanf("%lld %lld", &l, &r);
        for (long long i = l; i <= r; i++)
            s = (s + i * i) % MOD;
        printf("%lld\n", s);
    }
    return 0;
}

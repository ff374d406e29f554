#include <stdio.h>

static long long gcd(long long a, long long b) {
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int main(void) {
    int t;
    if (scanf("%d", &t) != 1) return 0;
    while (t--) {
        long long n, s = 0;
        scanf("%lld", &n);
        for (long long j = 1; j <= n; j++)
            s += gcd(j, n);
        printf("%lld\n", s);
    }
    return 0;
}

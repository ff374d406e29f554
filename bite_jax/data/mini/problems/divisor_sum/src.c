#include <stdio.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long total = 0;
    for (int i = 1; i <= n; i++) {
        /* divisors come in pairs (j, i / j) with j <= sqrt(i) */
        for (int j = 1; j * j <= i; j++) {
            if (i % j == 0)
                total += (j * j == i) ? 1 : 2;
        }
    }
    printf("%lld\n", total);
    return 0;
}

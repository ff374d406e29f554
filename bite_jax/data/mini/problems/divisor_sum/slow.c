#include <stdio.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long total = 0;
    for (int i = 1; i <= n; i++) {
        /* divisors j with j * j <= i */
        for (int j = 1; j * j <= i; j++)
            if (i % j == 0) total++;
        /* and their partners i / j, which are larger than sqrt(i) */
        for (int j = 1; j * j < i; j++)
            if (i % j == 0) total++;
    }
    printf("%lld\n", total);
    return 0;
}

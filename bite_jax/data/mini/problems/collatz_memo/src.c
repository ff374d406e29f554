#include <stdio.h>

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    long long best = 1, best_len = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i, len = 0;
        while (x != 1) {
            x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
            len++;
        }
        if (len > best_len) {
            best_len = len;
            best = i;
        }
    }
    printf("%lld %lld\n", best, best_len);
    return 0;
}

#include <stdio.h>

/* number of Collatz steps from x down to 1 */
static long long chain_length(long long x) {
    long long len = 0;
    while (x != 1) {
        x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
        len++;
    }
    return len;
}

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    long long best = 1, best_len = 0;
    for (long long i = 1; i <= n; i++)
        if (chain_length(i) > best_len) best_len = chain_length(i);
    /* scanning down, the last start found with that length is the smallest */
    for (long long i = n; i >= 1; i--)
        if (chain_length(i) == best_len) best = i;
    printf("%lld %lld\n", best, best_len);
    return 0;
}

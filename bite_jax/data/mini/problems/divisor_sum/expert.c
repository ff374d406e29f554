#include <math.h>
#include <stdio.h>

int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    /* sum of d(i) counts lattice points under xy = n; by symmetry about x = y
       it equals 2 * sum_{k <= s} floor(n / k) - s^2 with s = floor(sqrt(n)) */
    long long s = (long long)sqrt((double)n);
    while (s * s > n) s--;
    while ((s + 1) * (s + 1) <= n) s++;
    long long total = 0;
    for (long long k = 1; k <= s; k++)
        total += n / k;
    printf("%lld\n", 2 * total - s * s);
    return 0;
}

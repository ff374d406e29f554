#include <stdio.h>
#include <stdlib.h>

static int cmp_ll(const void *x, const void *y) {
    long long a = *(const long long *)x, b = *(const long long *)y;
    return (a > b) - (a < b);
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long *a = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    /* after sorting, the closest pair is adjacent */
    qsort(a, n, sizeof(long long), cmp_ll);
    long long best = a[1] - a[0];
    for (int i = 2; i < n; i++)
        if (a[i] - a[i - 1] < best) best = a[i] - a[i - 1];
    printf("%lld\n", best);
    free(a);
    return 0;
}

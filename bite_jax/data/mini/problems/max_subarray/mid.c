#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long *a = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    long long best = a[0];
    for (int i = 0; i < n; i++) {
        /* a best block of two or more elements starts at the first of a run of positive elements (drop or add one) */
        if (a[i] <= 0 || (i > 0 && a[i - 1] > 0)) {
            if (a[i] > best) best = a[i];
            continue;
        }
        long long s = 0;
        for (int j = i; j < n; j++) {
            s += a[j];
            if (s > best) best = s;
        }
    }
    printf("%lld\n", best);
    free(a);
    return 0;
}

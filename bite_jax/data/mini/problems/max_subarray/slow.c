#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long *a = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    /* the best block containing a[i] grows left and right of i independently */
    long long best = a[0];
    for (int i = 0; i < n; i++) {
        long long s = 0, left = a[i], right = a[i];
        for (int j = i; j >= 0; j--) {
            s += a[j];
            if (s > left) left = s;
        }
        s = 0;
        for (int j = i; j < n; j++) {
            s += a[j];
            if (s > right) right = s;
        }
        if (left + right - a[i] > best) best = left + right - a[i];
    }
    printf("%lld\n", best);
    free(a);
    return 0;
}

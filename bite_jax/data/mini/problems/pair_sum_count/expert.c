#include <stdio.h>
#include <stdlib.h>

static int cmp_ll(const void *x, const void *y) {
    long long a = *(const long long *)x, b = *(const long long *)y;
    return (a > b) - (a < b);
}

int main(void) {
    int n;
    long long k;
    if (scanf("%d %lld", &n, &k) != 2) return 0;
    long long *a = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    qsort(a, n, sizeof(long long), cmp_ll);
    /* two pointers over the sorted array, pairing runs of equal values */
    long long cnt = 0;
    int i = 0, j = n - 1;
    while (i < j) {
        long long s = a[i] + a[j];
        if (s < k) {
            i++;
        } else if (s > k) {
            j--;
        } else if (a[i] == a[j]) {
            long long m = j - i + 1;
            cnt += m * (m - 1) / 2;
            break;
        } else {
            long long ci = 1, cj = 1;
            while (i + 1 < j && a[i + 1] == a[i]) i++, ci++;
            while (j - 1 > i && a[j - 1] == a[j]) j--, cj++;
            cnt += ci * cj;
            i++;
            j--;
        }
    }
    printf("%lld\n", cnt);
    free(a);
    return 0;
}

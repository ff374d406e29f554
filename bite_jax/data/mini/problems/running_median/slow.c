#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *a = malloc(sizeof(int) * n);
    long long total = 0;
    for (int k = 0; k < n; k++) {
        int x;
        scanf("%d", &x);
        /* walk the sorted prefix a[0..k): from the first value above x on,
           every value moves one slot right */
        for (int j = 0; j < k; j++) {
            if (a[j] > x) {
                int t = a[j];
                a[j] = x;
                x = t;
            }
        }
        a[k] = x;
        total += a[k / 2];
    }
    printf("%lld\n", total);
    free(a);
    return 0;
}

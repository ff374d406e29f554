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
        /* insert x into the sorted prefix a[0..k) */
        int j = k;
        while (j > 0 && a[j - 1] > x) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
        total += a[k / 2];
    }
    printf("%lld\n", total);
    free(a);
    return 0;
}

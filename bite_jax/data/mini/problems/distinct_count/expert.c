#include <stdio.h>
#include <stdlib.h>

static int cmp_int(const void *x, const void *y) {
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *a = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    /* equal values become neighbours after sorting */
    qsort(a, n, sizeof(int), cmp_int);
    int d = n > 0;
    for (int i = 1; i < n; i++)
        if (a[i] != a[i - 1]) d++;
    printf("%d\n", d);
    free(a);
    return 0;
}

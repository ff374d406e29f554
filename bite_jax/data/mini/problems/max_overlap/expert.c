#include <stdio.h>
#include <stdlib.h>

static int cmp_int(const void *x, const void *y) {
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *l = malloc(sizeof(int) * n), *r = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d %d", &l[i], &r[i]);
    qsort(l, n, sizeof(int), cmp_int);
    qsort(r, n, sizeof(int), cmp_int);
    /* sweep the starts; intervals ending at or before a start are closed */
    int best = 0, j = 0;
    for (int i = 0; i < n; i++) {
        while (r[j] <= l[i]) j++;
        if (i + 1 - j > best) best = i + 1 - j;
    }
    printf("%d\n", best);
    free(l);
    free(r);
    return 0;
}

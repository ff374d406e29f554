#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int r, c;
    if (scanf("%d %d", &r, &c) != 2) return 0;
    int *a = malloc(sizeof(int) * r * c);
    for (int i = 0; i < r * c; i++) scanf("%d", &a[i]);
    /* every column sum is computed once; the row sum is still recomputed for each cell */
    long long *col = calloc(c, sizeof(long long));
    for (int j = 0; j < c; j++)
        for (int k = 0; k < r; k++) col[j] += a[k * c + j];
    long long best = 0;
    int first = 1;
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) {
            long long s = col[j];
            for (int k = 0; k < c; k++) s += a[i * c + k];
            s -= a[i * c + j];
            if (first || s > best) {
                best = s;
                first = 0;
            }
        }
    printf("%lld\n", best);
    free(a);
    free(col);
    return 0;
}

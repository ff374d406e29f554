#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int r, c;
    if (scanf("%d %d", &r, &c) != 2) return 0;
    int *a = malloc(sizeof(int) * r * c);
    long long *row = calloc(r, sizeof(long long)), *col = calloc(c, sizeof(long long));
    /* every row and column sum is computed once */
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) {
            scanf("%d", &a[i * c + j]);
            row[i] += a[i * c + j];
            col[j] += a[i * c + j];
        }
    long long best = row[0] + col[0] - a[0];
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            if (row[i] + col[j] - a[i * c + j] > best) best = row[i] + col[j] - a[i * c + j];
    printf("%lld\n", best);
    free(a);
    free(row);
    free(col);
    return 0;
}

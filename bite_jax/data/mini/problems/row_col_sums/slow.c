#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int r, c;
    if (scanf("%d %d", &r, &c) != 2) return 0;
    int *a = malloc(sizeof(int) * r * c);
    for (int i = 0; i < r * c; i++) scanf("%d", &a[i]);
    long long best = 0;
    int first = 1;
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) {
            /* collect the cells of the cross: row i without (i, j), then column j */
            int *cross = malloc(sizeof(int) * (r + c - 1));
            int n = 0;
            for (int k = 0; k < c; k++)
                if (k != j) cross[n++] = a[i * c + k];
            for (int k = 0; k < r; k++) cross[n++] = a[k * c + j];
            long long s = 0;
            for (int k = 0; k < n; k++) s += cross[k];
            free(cross);
            if (first || s > best) {
                best = s;
                first = 0;
            }
        }
    printf("%lld\n", best);
    free(a);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, k;
    if (scanf("%d %d", &n, &k) != 2) return 0;
    int *a = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    long long total = 0;
    for (int i = 0; i + k <= n; i++) {
        int best = a[i];
        for (int j = i + 1; j < i + k; j++)
            if (a[j] > best) best = a[j];
        total += best;
    }
    printf("%lld\n", total);
    free(a);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, k;
    if (scanf("%d %d", &n, &k) != 2) return 0;
    /* only the last k values are kept, in a circular buffer */
    int *win = malloc(sizeof(int) * k);
    long long total = 0;
    for (int i = 0; i < n; i++) {
        scanf("%d", &win[i % k]);
        if (i + 1 < k) continue;
        /* the oldest value sits at win[(i + 1) % k] */
        int best = win[(i + 1) % k];
        for (int j = 1; j < k; j++) {
            int x = win[(i + 1 + j) % k];
            if (x > best) best = x;
        }
        total += best;
    }
    printf("%lld\n", total);
    free(win);
    return 0;
}

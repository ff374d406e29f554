#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n, k;
    if (scanf("%d %d", &n, &k) != 2) return 0;
    int *a = malloc(sizeof(int) * n), *dq = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    /* dq holds indices of the window with strictly decreasing values; the front is the maximum */
    int head = 0, tail = 0;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        while (tail > head && a[dq[tail - 1]] <= a[i]) tail--;
        dq[tail++] = i;
        if (dq[head] <= i - k) head++;
        if (i >= k - 1) total += a[dq[head]];
    }
    printf("%lld\n", total);
    free(a);
    free(dq);
    return 0;
}

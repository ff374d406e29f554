#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    /* tails[k] = smallest possible last value of an increasing subsequence of length k + 1 */
    int *tails = malloc(sizeof(int) * n);
    int len = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        int lo = 0, hi = len; /* first tail >= x */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (tails[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        tails[lo] = x;
        if (lo == len) len++;
    }
    printf("%d\n", len);
    free(tails);
    return 0;
}

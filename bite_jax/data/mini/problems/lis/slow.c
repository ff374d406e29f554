#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *a = malloc(sizeof(int) * n), *dp = malloc(sizeof(int) * n), *up = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    for (int i = 0; i < n; i++) {
        dp[i] = 1; /* longest increasing subsequence ending at i */
        for (int j = 0; j < i; j++)
            if (a[j] < a[i] && dp[j] + 1 > dp[i]) dp[i] = dp[j] + 1;
    }
    for (int i = n - 1; i >= 0; i--) {
        up[i] = 1; /* longest increasing subsequence starting at i */
        for (int j = i + 1; j < n; j++)
            if (a[j] > a[i] && up[j] + 1 > up[i]) up[i] = up[j] + 1;
    }
    /* the best subsequence passes through some i */
    int best = 0;
    for (int i = 0; i < n; i++)
        if (dp[i] + up[i] - 1 > best) best = dp[i] + up[i] - 1;
    printf("%d\n", best);
    free(a);
    free(dp);
    free(up);
    return 0;
}

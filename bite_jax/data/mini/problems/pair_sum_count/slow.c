#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    long long k;
    if (scanf("%d %lld", &n, &k) != 2) return 0;
    long long *a = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    /* every unordered pair is seen twice, once in each order */
    long long cnt = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j && a[i] + a[j] == k) cnt++;
    printf("%lld\n", cnt / 2);
    free(a);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

static int n, *a;

/* a_1 + ... + a_k, added up from the start every time */
static long long prefix(int k) {
    long long s = 0;
    for (int i = 1; i <= k; i++) s += a[i];
    return s;
}

int main(void) {
    int q;
    if (scanf("%d %d", &n, &q) != 2) return 0;
    a = malloc(sizeof(int) * (n + 1));
    for (int i = 1; i <= n; i++) scanf("%d", &a[i]);
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        printf("%lld\n", prefix(r) - prefix(l - 1));
    }
    free(a);
    return 0;
}

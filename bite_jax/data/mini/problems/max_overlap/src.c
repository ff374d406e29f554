#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *l = malloc(sizeof(int) * n), *r = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d %d", &l[i], &r[i]);
    /* the busiest moment is the start of some interval */
    int best = 0;
    for (int i = 0; i < n; i++) {
        int cnt = 0;
        for (int j = 0; j < n; j++)
            if (l[j] <= l[i] && l[i] < r[j]) cnt++;
        if (cnt > best) best = cnt;
    }
    printf("%d\n", best);
    free(l);
    free(r);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    int *xs = malloc(sizeof(int) * q), top = 2;
    for (int i = 0; i < q; i++) {
        scanf("%d", &xs[i]);
        if (xs[i] > top) top = xs[i];
    }
    /* one sieve up to the largest query, then prefix counts answer every query */
    char *composite = calloc(top + 1, 1);
    int *count = malloc(sizeof(int) * (top + 1));
    count[0] = count[1] = 0;
    for (long long i = 2; i <= top; i++) {
        count[i] = count[i - 1] + !composite[i];
        if (!composite[i])
            for (long long j = i * i; j <= top; j += i) composite[j] = 1;
    }
    for (int i = 0; i < q; i++) printf("%d\n", count[xs[i]]);
    free(xs);
    free(composite);
    free(count);
    return 0;
}

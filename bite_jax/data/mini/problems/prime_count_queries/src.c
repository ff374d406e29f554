#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int q;
    if (scanf("%d", &q) != 1) return 0;
    while (q--) {
        int x;
        scanf("%d", &x);
        char *composite = calloc(x + 1, 1);
        int count = 0;
        for (long long i = 2; i <= x; i++) {
            if (composite[i]) continue;
            count++;
            for (long long j = i * i; j <= x; j += i) composite[j] = 1;
        }
        printf("%d\n", count);
        free(composite);
    }
    return 0;
}

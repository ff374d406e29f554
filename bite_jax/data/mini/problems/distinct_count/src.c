#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *seen = malloc(sizeof(int) * n);
    int d = 0;
    for (int i = 0; i < n; i++) {
        int x, found = 0;
        scanf("%d", &x);
        for (int j = 0; j < d; j++) {
            if (seen[j] == x) {
                found = 1;
                break;
            }
        }
        if (!found) seen[d++] = x;
    }
    printf("%d\n", d);
    free(seen);
    return 0;
}

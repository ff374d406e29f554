#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    int *a = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    /* a value is counted at its last occurrence */
    int d = 0;
    for (int i = 0; i < n; i++) {
        int later = 0;
        for (int j = i + 1; j < n; j++)
            if (a[j] == a[i]) later = 1;
        if (!later) d++;
    }
    printf("%d\n", d);
    free(a);
    return 0;
}

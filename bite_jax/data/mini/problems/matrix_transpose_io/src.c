#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int r, c;
    if (scanf("%d %d", &r, &c) != 2) return 0;
    int *a = malloc(sizeof(int) * r * c);
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) scanf("%d", &a[i * c + j]);
    for (int j = 0; j < c; j++) {
        for (int i = 0; i < r; i++) {
            if (i) printf(" ");
            printf("%d", a[i * c + j]);
        }
        printf("\n");
    }
    free(a);
    return 0;
}

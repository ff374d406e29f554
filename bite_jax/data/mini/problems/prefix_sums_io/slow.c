#include <stdio.h>
#include <stdlib.h>

int main(void) {
    int n;
    if (scanf("%d\n", &n) != 1) return 0;
    long long s = 0;
    for (int i = 0; i < n; i++) {
        /* read the line one character at a time */
        char line[32], c;
        int len = 0;
        while (scanf("%c", &c) == 1 && c != '\n') line[len++] = c;
        line[len] = '\0';
        s += atoll(line);
        printf("%lld\n", s);
    }
    return 0;
}

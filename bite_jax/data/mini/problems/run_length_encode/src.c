#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 1000005

static char s[MAXN], out[2 * MAXN + 1];

int main(void) {
    if (scanf("%1000000s", s) != 1) return 0;
    int n = (int)strlen(s);
    out[0] = '\0';
    char piece[16];
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && s[j] == s[i]) j++;
        sprintf(piece, "%c%d", s[i], j - i);
        strcat(out, piece);
        i = j;
    }
    puts(out);
    return 0;
}

#include <stdio.h>
#include <string.h>

#define MAXN 1000005

static char s[MAXN], out[2 * MAXN + 1];

int main(void) {
    if (scanf("%1000000s", s) != 1) return 0;
    int n = (int)strlen(s), o = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && s[j] == s[i]) j++;
        /* write at the known end of the output instead of searching for it */
        o += sprintf(out + o, "%c%d", s[i], j - i);
        i = j;
    }
    out[o++] = '\n';
    fwrite(out, 1, o, stdout);
    return 0;
}

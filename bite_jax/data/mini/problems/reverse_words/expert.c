#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    int m;
    if (scanf("%d", &m) != 1) return 0;
    /* keep every word in one buffer and remember where each starts */
    char *text = malloc((size_t)m * 11 + 16);
    int *start = malloc(sizeof(int) * m), *len = malloc(sizeof(int) * m);
    int used = 0;
    for (int i = 0; i < m; i++) {
        scanf("%15s", text + used);
        start[i] = used;
        len[i] = (int)strlen(text + used);
        used += len[i];
    }
    char *out = malloc((size_t)used + m + 1);
    int o = 0;
    for (int i = m - 1; i >= 0; i--) {
        memcpy(out + o, text + start[i], len[i]);
        o += len[i];
        out[o++] = i > 0 ? ' ' : '\n';
    }
    fwrite(out, 1, o, stdout);
    free(text);
    free(start);
    free(len);
    free(out);
    return 0;
}

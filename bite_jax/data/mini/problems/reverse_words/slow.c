#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    int m;
    if (scanf("%d", &m) != 1) return 0;
    size_t cap = (size_t)m * 11 + 16;
    char *res = malloc(cap), *tmp = malloc(cap);
    char word[16];
    res[0] = '\0';
    for (int i = 0; i < m; i++) {
        scanf("%15s", word);
        /* the new word goes in front of everything read so far */
        strncpy(tmp, word, cap);
        if (i > 0) {
            strcat(tmp, " ");
            strcat(tmp, res);
        }
        strncpy(res, tmp, cap);
    }
    puts(res);
    free(res);
    free(tmp);
    return 0;
}

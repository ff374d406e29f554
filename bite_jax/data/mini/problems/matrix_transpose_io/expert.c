#include <stdio.h>
#include <stdlib.h>

/* Whole-buffer input and output: one read, one write, hand-rolled number conversion. */
int main(void) {
    size_t cap = 1 << 16, len = 0, got;
    char *in = malloc(cap);
    while ((got = fread(in + len, 1, cap - len, stdin)) > 0) {
        len += got;
        if (len == cap) in = realloc(in, cap *= 2);
    }
    size_t pos = 0;
    int header[2];
    for (int h = 0; h < 2; h++) {
        while (in[pos] < '0' || in[pos] > '9') pos++;
        int v = 0;
        while (pos < len && in[pos] >= '0' && in[pos] <= '9') v = v * 10 + (in[pos++] - '0');
        header[h] = v;
    }
    int r = header[0], c = header[1];
    int *a = malloc(sizeof(int) * r * c);
    for (long i = 0; i < (long)r * c; i++) {
        while (in[pos] < '0' || in[pos] > '9') pos++;
        int v = 0;
        while (pos < len && in[pos] >= '0' && in[pos] <= '9') v = v * 10 + (in[pos++] - '0');
        a[i] = v;
    }
    char *out = malloc((size_t)r * c * 8 + c + 1);
    size_t o = 0;
    for (int j = 0; j < c; j++) {
        for (int i = 0; i < r; i++) {
            char tmp[12];
            int k = 0, v = a[(long)i * c + j];
            do {
                tmp[k++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            while (k) out[o++] = tmp[--k];
            out[o++] = (i + 1 < r) ? ' ' : '\n';
        }
    }
    fwrite(out, 1, o, stdout);
    free(in);
    free(a);
    free(out);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

/* Whole-buffer input and output: one read, one write, hand-rolled number conversion. */
static char *in_buf, *out_buf;
static size_t in_pos, in_len, out_pos;

static long long read_int(void) {
    while (in_pos < in_len && (in_buf[in_pos] < '0' || in_buf[in_pos] > '9') && in_buf[in_pos] != '-') in_pos++;
    int neg = 0;
    if (in_buf[in_pos] == '-') {
        neg = 1;
        in_pos++;
    }
    long long v = 0;
    while (in_pos < in_len && in_buf[in_pos] >= '0' && in_buf[in_pos] <= '9') v = v * 10 + (in_buf[in_pos++] - '0');
    return neg ? -v : v;
}

static void write_int(long long v) {
    char tmp[24];
    int k = 0;
    unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    if (v < 0) out_buf[out_pos++] = '-';
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (k) out_buf[out_pos++] = tmp[--k];
    out_buf[out_pos++] = '\n';
}

int main(void) {
    size_t cap = 1 << 16;
    in_buf = malloc(cap);
    size_t got;
    while ((got = fread(in_buf + in_len, 1, cap - in_len, stdin)) > 0) {
        in_len += got;
        if (in_len == cap) in_buf = realloc(in_buf, cap *= 2);
    }
    int n = (int)read_int();
    out_buf = malloc((size_t)n * 21 + 1);
    long long s = 0;
    for (int i = 0; i < n; i++) {
        s += read_int();
        write_int(s);
    }
    fwrite(out_buf, 1, out_pos, stdout);
    free(in_buf);
    free(out_buf);
    return 0;
}

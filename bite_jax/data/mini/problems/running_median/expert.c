#include <stdio.h>
#include <stdlib.h>

/* Binary min-heap of ints; the lower half is stored negated so it acts as a max-heap. */
typedef struct {
    int *v;
    int size;
} Heap;

static void heap_push(Heap *h, int x) {
    int i = h->size++;
    while (i > 0 && h->v[(i - 1) / 2] > x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
}

static int heap_pop(Heap *h) {
    int top = h->v[0], last = h->v[--h->size], i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->size) break;
        if (c + 1 < h->size && h->v[c + 1] < h->v[c]) c++;
        if (h->v[c] >= last) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->size > 0) h->v[i] = last;
    return top;
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    Heap lo = {malloc(sizeof(int) * (n + 1)), 0}, hi = {malloc(sizeof(int) * (n + 1)), 0};
    long long total = 0;
    for (int k = 0; k < n; k++) {
        int x;
        scanf("%d", &x);
        /* lo keeps the smaller ceil(k/2) values, so its top is the lower median */
        if (lo.size == 0 || x <= -lo.v[0]) heap_push(&lo, -x);
        else heap_push(&hi, x);
        if (lo.size > hi.size + 1) heap_push(&hi, -heap_pop(&lo));
        else if (hi.size > lo.size) heap_push(&lo, -heap_pop(&hi));
        total += -lo.v[0];
    }
    printf("%lld\n", total);
    free(lo.v);
    free(hi.v);
    return 0;
}

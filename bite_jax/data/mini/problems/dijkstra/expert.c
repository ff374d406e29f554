#include <stdio.h>
#include <stdlib.h>

#define INF (1LL << 60)

/* Binary min-heap of (distance, junction) entries; stale entries are skipped when popped. */
typedef struct {
    long long d;
    int v;
} Entry;

static Entry *heap;
static int heap_size;

static void push(long long d, int v) {
    int i = heap_size++;
    while (i > 0 && heap[(i - 1) / 2].d > d) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i].d = d;
    heap[i].v = v;
}

static Entry pop(void) {
    Entry top = heap[0], last = heap[--heap_size];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= heap_size) break;
        if (c + 1 < heap_size && heap[c + 1].d < heap[c].d) c++;
        if (heap[c].d >= last.d) break;
        heap[i] = heap[c];
        i = c;
    }
    if (heap_size > 0) heap[i] = last;
    return top;
}

int main(void) {
    int n, m;
    if (scanf("%d %d", &n, &m) != 2) return 0;
    int *eu = malloc(sizeof(int) * m), *ev = malloc(sizeof(int) * m), *ew = malloc(sizeof(int) * m);
    int *start = calloc(n + 2, sizeof(int)), *to = malloc(sizeof(int) * m), *len = malloc(sizeof(int) * m);
    for (int i = 0; i < m; i++) {
        scanf("%d %d %d", &eu[i], &ev[i], &ew[i]);
        start[eu[i] + 1]++;
    }
    for (int v = 1; v <= n + 1; v++) start[v] += start[v - 1];
    int *fill = malloc(sizeof(int) * (n + 1));
    for (int v = 0; v <= n; v++) fill[v] = start[v];
    for (int i = 0; i < m; i++) {
        to[fill[eu[i]]] = ev[i];
        len[fill[eu[i]]++] = ew[i];
    }
    long long *dist = malloc(sizeof(long long) * (n + 1));
    for (int v = 1; v <= n; v++) dist[v] = INF;
    heap = malloc(sizeof(Entry) * (m + 1));
    dist[1] = 0;
    push(0, 1);
    while (heap_size > 0) {
        Entry cur = pop();
        if (cur.d > dist[cur.v]) continue;
        for (int e = start[cur.v]; e < start[cur.v + 1]; e++) {
            long long nd = cur.d + len[e];
            if (nd < dist[to[e]]) {
                dist[to[e]] = nd;
                push(nd, to[e]);
            }
        }
    }
    long long reach = 0, total = 0;
    for (int v = 1; v <= n; v++)
        if (dist[v] < INF) {
            reach++;
            total += dist[v];
        }
    printf("%lld %lld\n", reach, total);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

#define INF (1LL << 60)

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
    char *done = calloc(n + 1, 1);
    for (int v = 1; v <= n; v++) dist[v] = INF;
    dist[1] = 0;
    for (int it = 0; it < n; it++) {
        /* pick the closest unfinished junction by scanning all of them */
        int u = -1;
        for (int v = 1; v <= n; v++)
            if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
        if (dist[u] == INF) break;
        done[u] = 1;
        for (int e = start[u]; e < start[u + 1]; e++)
            if (dist[u] + len[e] < dist[to[e]]) dist[to[e]] = dist[u] + len[e];
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

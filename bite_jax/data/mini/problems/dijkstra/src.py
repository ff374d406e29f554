n, m = map(int, input().split())
adj = [[] for _ in range(n + 1)]
for _ in range(m):
    u, v, w = map(int, input().split())
    adj[u].append((v, w))
INF = float('inf')
dist = [INF] * (n + 1)
done = [False] * (n + 1)
dist[1] = 0
for _ in range(n):
    u = -1
    for v in range(1, n + 1):
        if not done[v] and (u < 0 or dist[v] < dist[u]):
            u = v
    if dist[u] == INF:
        break
    done[u] = True
    for v, w in adj[u]:
        if dist[u] + w < dist[v]:
            dist[v] = dist[u] + w
reached = [d for d in dist[1:] if d != INF]
print(len(reached), sum(reached))

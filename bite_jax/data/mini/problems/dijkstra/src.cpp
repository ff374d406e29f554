#include <iostream>
#include <utility>
#include <vector>
using namespace std;

const long long INF = 1LL << 60;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, m;
    cin >> n >> m;
    vector<vector<pair<int, int>>> adj(n + 1);
    for (int i = 0; i < m; ++i) {
        int u, v, w;
        cin >> u >> v >> w;
        adj[u].push_back({v, w});
    }
    vector<long long> dist(n + 1, INF);
    vector<bool> done(n + 1, false);
    dist[1] = 0;
    for (int it = 0; it < n; ++it) {
        int u = -1;
        for (int v = 1; v <= n; ++v)
            if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
        if (dist[u] == INF) break;
        done[u] = true;
        for (auto [v, w] : adj[u])
            if (dist[u] + w < dist[v]) dist[v] = dist[u] + w;
    }
    long long reach = 0, total = 0;
    for (int v = 1; v <= n; ++v)
        if (dist[v] < INF) {
            ++reach;
            total += dist[v];
        }
    cout << reach << ' ' << total << '\n';
    return 0;
}

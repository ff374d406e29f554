#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> a(n), dp(n, 1), up(n, 1);
    for (auto &x : a) cin >> x;
    // dp[i]: longest increasing subsequence ending at i; up[i]: starting at i
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j)
            if (a[j] < a[i]) dp[i] = max(dp[i], dp[j] + 1);
    for (int i = n - 1; i >= 0; --i)
        for (int j = i + 1; j < n; ++j)
            if (a[j] > a[i]) up[i] = max(up[i], up[j] + 1);
    // the best subsequence passes through some i
    int best = 0;
    for (int i = 0; i < n; ++i) best = max(best, dp[i] + up[i] - 1);
    cout << best << '\n';
    return 0;
}

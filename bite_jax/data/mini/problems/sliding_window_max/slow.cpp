#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, k;
    cin >> n >> k;
    // only the last k values are kept, in a circular buffer
    vector<int> win(k);
    long long total = 0;
    for (int i = 0; i < n; ++i) {
        cin >> win[i % k];
        if (i + 1 < k) continue;
        // the oldest value sits at win[(i + 1) % k]
        int best = win[(i + 1) % k];
        for (int j = 1; j < k; ++j) best = max(best, win[(i + 1 + j) % k]);
        total += best;
    }
    cout << total << '\n';
    return 0;
}

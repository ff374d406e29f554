#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> l(n), r(n);
    for (int i = 0; i < n; ++i) cin >> l[i] >> r[i];
    // the busiest moment is the start of some interval
    int best = 0;
    for (int i = 0; i < n; ++i) {
        int cnt = 0;
        for (int j = 0; j < n; ++j)
            if (l[j] <= l[i] && l[i] < r[j]) ++cnt;
        best = max(best, cnt);
    }
    cout << best << '\n';
    return 0;
}

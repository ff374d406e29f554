#include <algorithm>
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
    sort(l.begin(), l.end());
    sort(r.begin(), r.end());
    // sweep the starts; intervals ending at or before a start are closed
    int best = 0, j = 0;
    for (int i = 0; i < n; ++i) {
        while (r[j] <= l[i]) ++j;
        best = max(best, i + 1 - j);
    }
    cout << best << '\n';
    return 0;
}

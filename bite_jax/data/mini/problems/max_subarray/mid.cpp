#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<long long> a(n);
    for (auto &x : a) cin >> x;
    long long best = a[0];
    for (int i = 0; i < n; ++i) {
        // a best block of two or more elements starts at the first of a run of positive elements (drop or add one)
        if (a[i] <= 0 || (i > 0 && a[i - 1] > 0)) {
            best = max(best, a[i]);
            continue;
        }
        long long s = 0;
        for (int j = i; j < n; ++j) {
            s += a[j];
            best = max(best, s);
        }
    }
    cout << best << '\n';
    return 0;
}

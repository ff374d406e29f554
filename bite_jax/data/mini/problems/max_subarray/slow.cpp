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
    // the best block containing a[i] grows left and right of i independently
    long long best = a[0];
    for (int i = 0; i < n; ++i) {
        long long s = 0, left = a[i], right = a[i];
        for (int j = i; j >= 0; --j) {
            s += a[j];
            left = max(left, s);
        }
        s = 0;
        for (int j = i; j < n; ++j) {
            s += a[j];
            right = max(right, s);
        }
        best = max(best, left + right - a[i]);
    }
    cout << best << '\n';
    return 0;
}
